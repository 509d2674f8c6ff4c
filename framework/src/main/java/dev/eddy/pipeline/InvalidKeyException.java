package dev.eddy.pipeline;

/**
 * A key function ({@link RecordStream#keyBy}) returned a key that cannot be kept: {@code null}, text that is not
 * valid Unicode, or a key longer than {@value #MAX_KEY_BYTES} bytes. The record goes to the failure destination
 * with this message, like a record that does not decode; the shard goes on.
 */
public final class InvalidKeyException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    /**
     * Longest key, in UTF-8 bytes (16 KiB). State items keep their key beside up to 380 KB of state, under
     * DynamoDB's 400 KB item limit.
     */
    public static final int MAX_KEY_BYTES = 16 * 1024;

    InvalidKeyException(String message) {
        super(message);
    }

    /**
     * The rule for keys: any string of Unicode text up to {@value #MAX_KEY_BYTES} UTF-8 bytes — empty, with
     * control characters, U+0000 or any separator — is stored, found and emitted as itself. Refused: {@code null},
     * and an unpaired surrogate (a {@code char} of U+D800–U+DFFF without its partner), which UTF-8 and so DynamoDB,
     * SNS and SQS cannot carry: two such keys would become one.
     *
     * @param key a key function's result
     * @return the key
     * @throws InvalidKeyException if it breaks the rule; the message gives the value, the rule and the fix
     */
    static String check(String key) {
        if (key == null) {
            throw new InvalidKeyException("the key function returned null: return a string for every element"
                    + " (filter out elements that have no key before keyBy)");
        }
        long bytes = 0;
        for (int i = 0; i < key.length(); i++) {
            char c = key.charAt(i);
            if (Character.isHighSurrogate(c) && i + 1 < key.length() && Character.isLowSurrogate(key.charAt(i + 1))) {
                bytes += 4;
                i++;
            } else if (Character.isSurrogate(c)) {
                throw new InvalidKeyException(String.format(java.util.Locale.ROOT, "the key function returned a"
                        + " key with an unpaired surrogate U+%04X at index %d (%s): keys must be valid Unicode text,"
                        + " which UTF-8 can store; decode input as UTF-8 rather than from raw bytes", (int) c, i,
                        preview(key)));
            } else {
                bytes += c < 0x80 ? 1 : c < 0x800 ? 2 : 3;
            }
        }
        if (bytes > MAX_KEY_BYTES) {
            throw new InvalidKeyException(String.format(java.util.Locale.ROOT, "the key function returned a key of"
                    + " %,d UTF-8 bytes (%s): keys may have at most %,d bytes; key by something shorter, or by a"
                    + " hash of it", bytes, preview(key), MAX_KEY_BYTES));
        }
        return key;
    }

    /** @return the key's first 64 characters, quoted and escaped, for a message */
    private static String preview(String key) {
        StringBuilder out = new StringBuilder("\"");
        int shown = Math.min(key.length(), 64);
        for (int i = 0; i < shown; i++) {
            char c = key.charAt(i);
            if (c < 0x20 || c == '"' || c == '\\' || Character.isSurrogate(c) || c == 0x7f) {
                out.append(String.format(java.util.Locale.ROOT, "\\u%04x", (int) c));
            } else {
                out.append(c);
            }
        }
        return out.append(key.length() > shown ? "\"…" : "\"").toString();
    }
}
