package dev.flywheel.surveys;

import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;

import dev.flywheel.targeting.InvalidRuleException;
import dev.flywheel.targeting.JsonLogic;
import dev.flywheel.targeting.Rule;

/**
 * Reads a survey definition (JSON) strictly: unknown properties are refused, and every problem is reported with
 * its JSON pointer, so an editor can show all of them at once.
 */
public final class SurveyDefinition {

    public static final Pattern KEY = Pattern.compile("[a-z0-9][a-z0-9_.-]{0,63}");
    public static final int MAX_QUESTIONS = 20;
    public static final int MAX_CHOICES = 30;
    public static final int MAX_TEXT = 1000;
    public static final int MAX_DEFINITION = 64 * 1024;
    static final int MAX_PATTERN = 500;
    private static final Pattern QUESTION_ID = Pattern.compile("[A-Za-z0-9_][A-Za-z0-9_.-]{0,63}");
    private static final Set<String> DEVICES = Set.of("desktop", "mobile", "tablet");
    private static final ObjectMapper JSON = new ObjectMapper()
            .enable(DeserializationFeature.FAIL_ON_READING_DUP_TREE_KEY)
            .enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS);

    private final List<String> problems = new ArrayList<>();

    private SurveyDefinition() {
    }

    /** Reads the definition of survey {@code key}. */
    public static Survey parse(String key, String json) throws SurveyDefinitionException {
        if (json.length() > MAX_DEFINITION) {
            throw new SurveyDefinitionException(List.of(": the definition is longer than " + MAX_DEFINITION
                    + " characters"));
        }
        Object tree;
        try {
            tree = JSON.readValue(json, new TypeReference<Object>() {
            });
        } catch (JsonProcessingException e) {
            throw new SurveyDefinitionException(List.of(": not JSON (" + e.getOriginalMessage() + ")"));
        }
        if (!(tree instanceof Map<?, ?> map)) {
            throw new SurveyDefinitionException(List.of(": must be an object"));
        }
        SurveyDefinition reader = new SurveyDefinition();
        if (key == null || !KEY.matcher(key).matches()) {
            reader.problems.add("key: must match " + KEY.pattern());
        }
        @SuppressWarnings("unchecked")
        Survey survey = reader.survey(key, (Map<String, Object>) map);
        if (!reader.problems.isEmpty()) {
            throw new SurveyDefinitionException(reader.problems);
        }
        return survey;
    }

    private Survey survey(String key, Map<String, Object> json) {
        known(json, "", Set.of("name", "questions", "targeting", "schedule", "frequency", "waitDays", "priority"));
        String name = text(json.get("name"), "/name", 256, false);
        List<Question> questions = questions(json.get("questions"));
        Survey.Targeting targeting = targeting(json.get("targeting"));
        Instant start = null;
        Instant end = null;
        if (json.get("schedule") instanceof Map<?, ?> schedule) {
            known(schedule, "/schedule", Set.of("startAt", "endAt"));
            start = instant(schedule.get("startAt"), "/schedule/startAt");
            end = instant(schedule.get("endAt"), "/schedule/endAt");
            if (start != null && end != null && !end.isAfter(start)) {
                problems.add("/schedule/endAt: must be after startAt");
            }
        } else if (json.containsKey("schedule")) {
            problems.add("/schedule: must be an object");
        }
        Survey.Frequency frequency = frequency(json.get("frequency"));
        Number waitDays = integer(json.get("waitDays"), "/waitDays", 0, 365);
        Number priority = integer(json.get("priority"), "/priority", -1000, 1000);
        return new Survey(key, name == null ? "" : name, questions, targeting, start, end, frequency,
                Duration.ofDays(waitDays == null ? 0 : waitDays.longValue()),
                priority == null ? 0 : priority.intValue());
    }

    private List<Question> questions(Object value) {
        List<Question> out = new ArrayList<>();
        if (!(value instanceof List<?> list) || list.isEmpty()) {
            problems.add("/questions: at least one question is required");
            return out;
        }
        if (list.size() > MAX_QUESTIONS) {
            problems.add("/questions: at most " + MAX_QUESTIONS);
            return out;
        }
        Set<String> ids = new HashSet<>();
        List<Object[]> targets = new ArrayList<>();
        for (int i = 0; i < list.size(); i++) {
            String at = "/questions/" + i;
            if (!(list.get(i) instanceof Map<?, ?> q)) {
                problems.add(at + ": must be an object");
                continue;
            }
            Question question = question(q, at, targets);
            if (question != null) {
                if (!ids.add(question.id())) {
                    problems.add(at + "/id: '" + question.id() + "' is used twice");
                }
                out.add(question);
            }
        }
        for (Object[] target : targets) {
            if (!ids.contains((String) target[1])) {
                problems.add(target[0] + ": no question '" + target[1] + "'");
            }
        }
        return out;
    }

    private Question question(Map<?, ?> q, String at, List<Object[]> targets) {
        known(q, at, Set.of("id", "type", "text", "optional", "scale", "display", "choices", "allowOther",
                "branches"));
        String id = text(q.get("id"), at + "/id", 64, true);
        if (id != null && !QUESTION_ID.matcher(id).matches()) {
            problems.add(at + "/id: must match " + QUESTION_ID.pattern());
        }
        QuestionType type = null;
        if (q.get("type") instanceof String t) {
            try {
                type = QuestionType.valueOf(t.toUpperCase(java.util.Locale.ROOT));
            } catch (IllegalArgumentException e) {
                problems.add(at + "/type: one of nps, csat, ces, rating, single_choice, multiple_choice, open_text");
            }
        } else {
            problems.add(at + "/type: is required");
        }
        String text = text(q.get("text"), at + "/text", MAX_TEXT, true);
        boolean optional = bool(q.get("optional"), at + "/optional");
        int lowest = type == QuestionType.NPS ? 0 : 1;
        int scale = type == null ? 0 : switch (type) {
            case NPS -> 10;
            case CSAT -> 5;
            case CES -> 7;
            case RATING -> 5;
            default -> 0;
        };
        if (q.containsKey("scale")) {
            Number given = integer(q.get("scale"), at + "/scale", 3, 10);
            if (type != QuestionType.RATING) {
                problems.add(at + "/scale: only rating questions have a scale");
            } else if (given != null && !Set.of(3, 5, 7, 10).contains(given.intValue())) {
                problems.add(at + "/scale: 3, 5, 7 or 10");
            } else if (given != null) {
                scale = given.intValue();
            }
        }
        Question.Display display = Question.Display.NUMBER;
        if (q.get("display") instanceof String d && (d.equals("number") || d.equals("emoji"))) {
            display = d.equals("emoji") ? Question.Display.EMOJI : Question.Display.NUMBER;
            if (type != null && !type.numeric()) {
                problems.add(at + "/display: only numeric questions have a display");
            }
        } else if (q.containsKey("display")) {
            problems.add(at + "/display: number or emoji");
        }
        List<String> choices = new ArrayList<>();
        if (type != null && type.choice()) {
            if (!(q.get("choices") instanceof List<?> list) || list.size() < 2 || list.size() > MAX_CHOICES) {
                problems.add(at + "/choices: 2 to " + MAX_CHOICES + " choices are required");
            } else {
                for (int i = 0; i < list.size(); i++) {
                    String choice = text(list.get(i), at + "/choices/" + i, 256, true);
                    if (choice != null && choices.contains(choice)) {
                        problems.add(at + "/choices/" + i + ": '" + choice + "' is listed twice");
                    } else if (choice != null) {
                        choices.add(choice);
                    }
                }
            }
        } else if (q.containsKey("choices")) {
            problems.add(at + "/choices: only choice questions have choices");
        }
        boolean allowOther = bool(q.get("allowOther"), at + "/allowOther");
        if (allowOther && (type == null || !type.choice())) {
            problems.add(at + "/allowOther: only choice questions have an \"other\" answer");
        }
        List<Question.Branch> branches = new ArrayList<>();
        if (q.get("branches") instanceof List<?> list) {
            for (int i = 0; i < list.size(); i++) {
                Question.Branch branch = branch(list.get(i), at + "/branches/" + i, type, choices, targets);
                if (branch != null) {
                    branches.add(branch);
                }
            }
        } else if (q.containsKey("branches")) {
            problems.add(at + "/branches: must be a list");
        }
        if (id == null || type == null || text == null) {
            return null;
        }
        return new Question(id, type, text, optional, lowest, scale, display, choices, allowOther, branches);
    }

    private Question.Branch branch(Object value, String at, QuestionType type, List<String> choices,
            List<Object[]> targets) {
        if (!(value instanceof Map<?, ?> b)) {
            problems.add(at + ": must be an object");
            return null;
        }
        known(b, at, Set.of("min", "max", "anyOf", "next"));
        String next = text(b.get("next"), at + "/next", 64, true);
        if (next != null && !next.equals("end")) {
            targets.add(new Object[]{at + "/next", next});
        }
        Double min = number(b.get("min"), at + "/min");
        Double max = number(b.get("max"), at + "/max");
        List<String> anyOf = null;
        if (b.get("anyOf") instanceof List<?> list) {
            anyOf = new ArrayList<>();
            for (int i = 0; i < list.size(); i++) {
                if (!(list.get(i) instanceof String s) || !choices.contains(s)) {
                    problems.add(at + "/anyOf/" + i + ": not one of the choices");
                } else {
                    anyOf.add(s);
                }
            }
        } else if (b.containsKey("anyOf")) {
            problems.add(at + "/anyOf: must be a list of choices");
        }
        if (type != null && type.numeric() && (anyOf != null || min == null && max == null)) {
            problems.add(at + ": a numeric question branches on min and/or max");
        } else if (type != null && type.choice() && (anyOf == null || min != null || max != null)) {
            problems.add(at + ": a choice question branches on anyOf");
        } else if (type == QuestionType.OPEN_TEXT && (anyOf != null || min != null || max != null)) {
            problems.add(at + ": an open text question branches unconditionally (next only)");
        }
        return next == null ? null : new Question.Branch(min, max, anyOf, next.equals("end") ? null : next);
    }

    private Survey.Targeting targeting(Object value) {
        if (value == null) {
            return new Survey.Targeting(null, null, null, null, 1);
        }
        if (!(value instanceof Map<?, ?> t)) {
            problems.add("/targeting: must be an object");
            return null;
        }
        known(t, "/targeting", Set.of("condition", "url", "devices", "events", "sampling"));
        Rule condition = null;
        if (t.containsKey("condition")) {
            try {
                condition = JsonLogic.compile(t.get("condition"));
            } catch (InvalidRuleException e) {
                problems.add("/targeting/condition: " + e.getMessage());
            }
        }
        Survey.UrlMatch url = null;
        if (t.get("url") instanceof Map<?, ?> u) {
            known(u, "/targeting/url", Set.of("match", "value"));
            String match = u.get("match") instanceof String m ? m : "contains";
            String pattern = text(u.get("value"), "/targeting/url/value", MAX_PATTERN, true);
            Survey.UrlMatch.Kind kind = switch (match) {
                case "exact" -> Survey.UrlMatch.Kind.EXACT;
                case "contains" -> Survey.UrlMatch.Kind.CONTAINS;
                case "regex" -> Survey.UrlMatch.Kind.REGEX;
                default -> {
                    problems.add("/targeting/url/match: exact, contains or regex");
                    yield null;
                }
            };
            Pattern compiled = null;
            if (kind == Survey.UrlMatch.Kind.REGEX && pattern != null) {
                try {
                    compiled = Pattern.compile(pattern);
                } catch (PatternSyntaxException e) {
                    problems.add("/targeting/url/value: not a regular expression (" + e.getDescription() + ")");
                }
            }
            if (kind != null && pattern != null) {
                url = new Survey.UrlMatch(kind, pattern, compiled);
            }
        } else if (t.containsKey("url")) {
            problems.add("/targeting/url: must be an object {match, value}");
        }
        Set<String> devices = strings(t.get("devices"), "/targeting/devices", DEVICES);
        Set<String> events = strings(t.get("events"), "/targeting/events", null);
        double sampling = 1;
        if (t.containsKey("sampling")) {
            Double given = number(t.get("sampling"), "/targeting/sampling");
            if (given != null && (given <= 0 || given > 1)) {
                problems.add("/targeting/sampling: above 0 and at most 1");
            } else if (given != null) {
                sampling = given;
            }
        }
        return new Survey.Targeting(condition, url, devices, events, sampling);
    }

    private Survey.Frequency frequency(Object value) {
        if (value == null || "once".equals(value)) {
            return Survey.Frequency.ONCE;
        }
        if (value instanceof Map<?, ?> f) {
            known(f, "/frequency", Set.of("everyDays"));
            Number days = integer(f.get("everyDays"), "/frequency/everyDays", 1, 3650);
            if (days == null) {
                problems.add("/frequency/everyDays: is required for a recurring survey");
                return Survey.Frequency.ONCE;
            }
            return new Survey.Frequency(Duration.ofDays(days.longValue()));
        }
        problems.add("/frequency: \"once\" or {\"everyDays\": N}");
        return Survey.Frequency.ONCE;
    }

    private Set<String> strings(Object value, String at, Set<String> allowed) {
        if (value == null) {
            return null;
        }
        if (!(value instanceof List<?> list) || list.isEmpty() || list.size() > 100) {
            problems.add(at + ": a list of 1 to 100 strings");
            return null;
        }
        Set<String> out = new LinkedHashSet<>();
        for (int i = 0; i < list.size(); i++) {
            String s = text(list.get(i), at + "/" + i, 256, true);
            if (s != null && allowed != null && !allowed.contains(s)) {
                problems.add(at + "/" + i + ": one of " + allowed.stream().sorted().toList());
            } else if (s != null) {
                out.add(s);
            }
        }
        return out;
    }

    private void known(Map<?, ?> object, String at, Set<String> allowed) {
        for (Object property : object.keySet()) {
            if (!allowed.contains(property)) {
                problems.add(at + "/" + property + ": unknown property");
            }
        }
    }

    private String text(Object value, String at, int max, boolean required) {
        if (value == null) {
            if (required) {
                problems.add(at + ": is required");
            }
            return null;
        }
        if (!(value instanceof String s)) {
            problems.add(at + ": must be a string");
            return null;
        }
        if (required && s.isBlank()) {
            problems.add(at + ": must not be empty");
            return null;
        }
        if (s.length() > max) {
            problems.add(at + ": longer than " + max + " characters");
            return null;
        }
        return s;
    }

    private boolean bool(Object value, String at) {
        if (value == null) {
            return false;
        }
        if (!(value instanceof Boolean b)) {
            problems.add(at + ": must be true or false");
            return false;
        }
        return b;
    }

    private Double number(Object value, String at) {
        if (value == null) {
            return null;
        }
        if (!(value instanceof Number n)) {
            problems.add(at + ": must be a number");
            return null;
        }
        return n.doubleValue();
    }

    private Number integer(Object value, String at, long min, long max) {
        Double number = number(value, at);
        if (number == null) {
            return null;
        }
        if (number != Math.rint(number) || number < min || number > max) {
            problems.add(at + ": a whole number from " + min + " to " + max);
            return null;
        }
        return number.longValue();
    }

    private Instant instant(Object value, String at) {
        if (value == null) {
            return null;
        }
        try {
            return Instant.parse((String) value);
        } catch (ClassCastException | DateTimeParseException e) {
            problems.add(at + ": an ISO-8601 instant such as 2026-12-01T00:00:00Z");
            return null;
        }
    }
}
