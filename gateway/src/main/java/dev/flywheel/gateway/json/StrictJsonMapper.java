package dev.flywheel.gateway.json;

import jakarta.inject.Singleton;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.quarkus.jackson.ObjectMapperCustomizer;

/**
 * One set of parser rules for every JSON body the gateway reads, whether RESTEasy binds it or {@link JsonBodies}
 * reads it: nothing may follow the document, a key may not repeat, and (with application.properties) unknown fields
 * are errors. Invalid UTF-8 is refused because bodies are parsed from their bytes.
 */
@Singleton
public class StrictJsonMapper implements ObjectMapperCustomizer {

    @Override
    public void customize(ObjectMapper mapper) {
        mapper.enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);
        mapper.enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION);
    }
}
