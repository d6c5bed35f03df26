package org.bpf4j.tools;

/** One JSON object on one line (NDJSON), built field by field as a tool prints a row. */
final class Json {
    private final StringBuilder sb = new StringBuilder("{");

    Json put(String key, String value) {
        key(key);
        if (value == null) {
            sb.append("null");
        } else {
            quote(sb, value);
        }
        return this;
    }

    Json put(String key, long value) {
        key(key);
        sb.append(value);
        return this;
    }

    Json put(String key, boolean value) {
        key(key);
        sb.append(value);
        return this;
    }

    Json putUnsigned(String key, long value) {
        key(key);
        sb.append(Long.toUnsignedString(value));
        return this;
    }

    /** A JSON value written as it is (an array or object another Json built). */
    Json putRaw(String key, String json) {
        key(key);
        sb.append(json);
        return this;
    }

    private void key(String key) {
        if (sb.length() > 1) sb.append(',');
        quote(sb, key);
        sb.append(':');
    }

    static void quote(StringBuilder sb, String s) {
        sb.append('"');
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '"' -> sb.append("\\\"");
                case '\\' -> sb.append("\\\\");
                case '\n' -> sb.append("\\n");
                case '\t' -> sb.append("\\t");
                case '\r' -> sb.append("\\r");
                default -> {
                    if (c < 0x20) {
                        sb.append(String.format("\\u%04x", (int) c));
                    } else {
                        sb.append(c);
                    }
                }
            }
        }
        sb.append('"');
    }

    /** The object, closed. */
    @Override
    public String toString() {
        return sb + "}";
    }
}
