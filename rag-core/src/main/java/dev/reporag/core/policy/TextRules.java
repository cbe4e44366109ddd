package dev.reporag.core.policy;

/**
 * What text from users may hold. Control characters (NUL above all: PostgreSQL refuses it in text)
 * and broken surrogates are refused everywhere; names also refuse invisible characters (zero-width
 * spaces and joiners, and the bidirectional overrides that make a name read differently than it
 * is).
 */
public final class TextRules {
    private TextRules() {
    }

    /**
     * Why {@code text} cannot be accepted, or null: a control character other than tab and line
     * breaks (which {@code multiline} allows), or a lone surrogate (text that was not valid UTF-16).
     */
    public static String controlProblem(String text, boolean multiline) {
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            boolean allowed = multiline && (c == '\n' || c == '\r' || c == '\t');
            if (Character.isISOControl(c) && !allowed) {
                return "holds a control character (U+" + String.format("%04X", (int) c) + ")";
            }
            if (Character.isHighSurrogate(c) && (i + 1 == text.length() || !Character.isLowSurrogate(text.charAt(i + 1)))
                    || Character.isLowSurrogate(c) && (i == 0 || !Character.isHighSurrogate(text.charAt(i - 1)))) {
                return "is not valid Unicode text (a lone surrogate)";
            }
        }
        return null;
    }

    /** Like {@link #controlProblem} on one line, also refusing invisible and direction-changing characters. */
    public static String nameProblem(String text) {
        String control = controlProblem(text, false);
        if (control != null) {
            return control;
        }
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (Character.getType(c) == Character.FORMAT || c == '\u115F' || c == '\u1160' || c == '\u3164'
                    || c == '\uFFA0' || c == '\u2028' || c == '\u2029') {
                return "holds an invisible or text-direction character (U+" + String.format("%04X", (int) c) + ")";
            }
        }
        return null;
    }
}
