package dev.flywheel.recordings;

/** A chunk that cannot be stored as sent: {@code field} names the part at fault (a JSON pointer into the envelope). */
public final class InvalidChunkException extends RuntimeException {

    private final String field;

    public InvalidChunkException(String field, String message) {
        super(message, null, false, false);
        this.field = field;
    }

    public String field() {
        return field;
    }
}
