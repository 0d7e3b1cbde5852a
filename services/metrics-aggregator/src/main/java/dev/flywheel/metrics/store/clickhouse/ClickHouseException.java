package dev.flywheel.metrics.store.clickhouse;

/** ClickHouse refused a statement: its HTTP status and its own message (which names the error code). */
public class ClickHouseException extends RuntimeException {

    private final int status;

    public ClickHouseException(int status, String message) {
        super("ClickHouse answered " + status + ": " + message.strip());
        this.status = status;
    }

    /**
     * ClickHouse's error codes for states that pass: timeouts (159, 209), too many queries (202), memory (241),
     * network and replicas (210, 279, 999 Keeper), a table being dropped or a shutdown (218, 394).
     */
    public boolean transientState() {
        java.util.regex.Matcher code = java.util.regex.Pattern.compile("Code: (\\d+)").matcher(getMessage());
        return status == 503 || code.find() && switch (Integer.parseInt(code.group(1))) {
            case 159, 209, 202, 241, 210, 279, 999, 218, 394 -> true;
            default -> false;
        };
    }
}
