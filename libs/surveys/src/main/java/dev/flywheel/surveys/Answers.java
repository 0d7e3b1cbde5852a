package dev.flywheel.surveys;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * Checks a respondent's answer against its question and says where the survey goes next. Text is kept as given
 * (escaping is the job of whatever displays it), within size limits.
 */
public final class Answers {

    public static final int MAX_TEXT = 5000;
    public static final int MAX_OTHER = 500;

    private Answers() {
    }

    /** A refused answer, with the reason. */
    public static final class InvalidAnswerException extends Exception {
        public InvalidAnswerException(String message) {
            super(message);
        }
    }

    /**
     * The answer to {@code question} from its JSON value: a number for numeric questions, a choice (string) or
     * choices (list) with optional {@code other} text for choice questions, a string for open text.
     */
    public static Answer check(Question question, Object value, String other) throws InvalidAnswerException {
        String at = "answer to '" + question.id() + "'";
        if (question.type().numeric()) {
            if (!(value instanceof Number number) || number.doubleValue() != Math.rint(number.doubleValue())) {
                throw new InvalidAnswerException(at + ": a whole number from " + question.lowest() + " to "
                        + question.scale());
            }
            double score = number.doubleValue();
            if (score < question.lowest() || score > question.scale()) {
                throw new InvalidAnswerException(at + ": a whole number from " + question.lowest() + " to "
                        + question.scale());
            }
            requireNoOther(other, at);
            return new Answer(question.id(), score, null, null, null);
        }
        if (question.type().choice()) {
            List<Object> given = value instanceof List<?> list ? new ArrayList<>(list) : new ArrayList<>();
            if (!(value instanceof List<?>) && value != null) {
                given.add(value);
            }
            if (question.type() == QuestionType.SINGLE_CHOICE && given.size() > 1) {
                throw new InvalidAnswerException(at + ": one choice");
            }
            Set<String> chosen = new LinkedHashSet<>();
            for (Object choice : given) {
                if (!(choice instanceof String s) || !question.choices().contains(s)) {
                    throw new InvalidAnswerException(at + ": not one of " + question.choices());
                }
                chosen.add(s);
            }
            String otherText = other == null || other.isBlank() ? null : other;
            if (otherText != null && !question.allowOther()) {
                throw new InvalidAnswerException(at + ": this question has no \"other\" answer");
            }
            if (otherText != null && otherText.length() > MAX_OTHER) {
                throw new InvalidAnswerException(at + ": \"other\" is longer than " + MAX_OTHER + " characters");
            }
            if (otherText != null && question.type() == QuestionType.SINGLE_CHOICE && !chosen.isEmpty()) {
                throw new InvalidAnswerException(at + ": one choice, or \"other\"");
            }
            if (chosen.isEmpty() && otherText == null) {
                throw new InvalidAnswerException(at + ": choose at least one");
            }
            return new Answer(question.id(), null, List.copyOf(chosen), otherText, null);
        }
        if (!(value instanceof String text) || text.isBlank()) {
            throw new InvalidAnswerException(at + ": text is required");
        }
        if (text.length() > MAX_TEXT) {
            throw new InvalidAnswerException(at + ": longer than " + MAX_TEXT + " characters");
        }
        requireNoOther(other, at);
        return new Answer(question.id(), null, null, null, text);
    }

    private static void requireNoOther(String other, String at) throws InvalidAnswerException {
        if (other != null && !other.isEmpty()) {
            throw new InvalidAnswerException(at + ": only choice questions take \"other\" text");
        }
    }

    /** The question after this answer (the first matching branch, else the next in order), or null at the end. */
    public static String next(Survey survey, Answer answer) {
        List<Question> questions = survey.questions();
        for (int i = 0; i < questions.size(); i++) {
            Question question = questions.get(i);
            if (question.id().equals(answer.questionId())) {
                for (Question.Branch branch : question.branches()) {
                    if (question.type() == QuestionType.OPEN_TEXT || branch.matches(answer)) {
                        return branch.next();
                    }
                }
                return i + 1 < questions.size() ? questions.get(i + 1).id() : null;
            }
        }
        return null;
    }
}
