package dev.flywheel.metrics.store.clickhouse;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import dev.flywheel.service.grpc.ProtoValues;

/** What keeps ClickHouse statements safe and answers exact: literals, the TabSeparated forms, flattening. */
class ClickHouseSqlTest {

    @Test
    void literalsKeepAnyTextOneValue() {
        assertEquals("'it\\'s'", ClickHouseSql.literal("it's"));
        assertEquals("'a\\\\b'", ClickHouseSql.literal("a\\b"));
        assertEquals("'\\' OR 1=1 --'", ClickHouseSql.literal("' OR 1=1 --"));
        assertEquals("'line\\nnext\\ttab\\0'", ClickHouseSql.literal("line\nnext\ttab\0"));
    }

    @Test
    void arraysAndFieldsReadBack() {
        assertEquals(List.of("a'b", "c\\d", "e\tf", ""), ClickHouseSql.array("['a\\'b','c\\\\d','e\\tf','']"));
        assertEquals(List.of(), ClickHouseSql.array("[]"));
        TsvRow row = row("[1,20,-3,1764720000123]\t[]\ta\\tb\t\tc");
        assertArrayEquals(new long[]{1, 20, -3, 1764720000123L}, row.longs(0));
        assertArrayEquals(new long[0], row.longs(1));
        assertArrayEquals(new String[]{"[1,20,-3,1764720000123]", "[]", "a\\tb", "", "c"}, row.raws());
        assertEquals("a\tb", row.text(2));
        // a row read from the middle of a received buffer
        byte[] received = "x\ty\nuser-1\t[5,6]\nz".getBytes(java.nio.charset.StandardCharsets.UTF_8);
        TsvRow middle = new TsvRow(received, 4, 16);
        assertEquals("user-1", middle.text(0));
        assertArrayEquals(new long[]{5, 6}, middle.longs(1));
        assertEquals("a\tb", ClickHouseSql.unescape("a\\tb"));
        assertEquals("['x\\'y','z']", ClickHouseSql.arrayLiteral(List.of("x'y", "z")));
        assertEquals("a\\tb\\\\c\\n", ClickHouseSql.tsv("a\tb\\c\n"));
    }

    private static TsvRow row(String line) {
        byte[] bytes = line.getBytes(java.nio.charset.StandardCharsets.UTF_8);
        return new TsvRow(bytes, 0, bytes.length);
    }

    private static java.util.Set<String> triples(ClickHouseSql.Flat flat) {
        java.util.Set<String> out = new java.util.TreeSet<>();
        for (int i = 0; i < flat.keys().size(); i++) {
            out.add(flat.keys().get(i) + "=" + flat.values().get(i) + ":" + flat.kinds().get(i));
        }
        return out;
    }

    @Test
    void propertiesFlattenByPathWithTheirKinds() {
        Map<String, Object> properties = new LinkedHashMap<>();
        properties.put("plan", "pro\u0000");
        properties.put("price", 12.5);
        properties.put("flags", Map.of("beta", true));
        properties.put("gone", null);
        ClickHouseSql.Flat flat = new ClickHouseSql.Flat();
        ClickHouseSql.flatten("properties", properties, flat);
        assertEquals(List.of("properties\u0001plan", "properties\u0001price", "properties\u0001flags",
                "properties\u0001flags\u0001beta", "properties\u0001gone"), flat.keys());
        assertEquals(List.of("pro", "12.5", "{\"beta\":true}", "true", ""), flat.values());
        assertEquals(List.of(ClickHouseSql.STRING, ClickHouseSql.NUMBER, ClickHouseSql.STRUCTURE,
                ClickHouseSql.BOOLEAN, ClickHouseSql.NULL), flat.kinds());
        // read straight from the protobuf message, the same
        Map<String, Object> richer = new LinkedHashMap<>(properties);
        richer.put("tags", List.of("a", 2.0));
        richer.put("seats", 3);
        ClickHouseSql.Flat fromMap = new ClickHouseSql.Flat();
        ClickHouseSql.flatten("properties", ProtoValues.toMap(ProtoValues.toStruct(richer)), fromMap);
        ClickHouseSql.Flat fromStruct = new ClickHouseSql.Flat();
        ClickHouseSql.flatten("properties", ProtoValues.toStruct(richer), fromStruct);
        assertEquals(triples(fromMap), triples(fromStruct)); // in any order: lookups go by key
        assertEquals(new ClickHouseSql.Key("properties\u0001a.b", false), ClickHouseSql.key("a.b"));
        assertEquals(new ClickHouseSql.Key("properties\u0001a\u0001b", false), ClickHouseSql.key("properties.a.b"));
        assertEquals(new ClickHouseSql.Key("traits\u0001email", true), ClickHouseSql.key("person.email"));
    }
}
