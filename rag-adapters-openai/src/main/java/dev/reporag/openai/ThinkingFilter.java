package dev.reporag.openai;

/**
 * Keeps a reasoning model's thinking out of the answer. Servers that have no field for it (Ollama
 * and llama.cpp with Qwen3 or DeepSeek-R1, LM Studio, MiniMax) put it at the start of the content
 * as {@code <think>…</think>}; users would read it as the answer. A block opening the answer (after
 * white space) is dropped with the white space after it; text elsewhere is left alone, tags
 * included. Tags split across streamed tokens are found. One filter per answer; not thread-safe.
 */
final class ThinkingFilter {
    private static final String[][] TAGS = {{"<think>", "</think>"}, {"<thinking>", "</thinking>"}};

    private enum State { START, THINKING, AFTER, PASS }

    private State state = State.START;
    private final StringBuilder held = new StringBuilder();
    private String close;

    /** The answer without a leading thinking block. */
    static String strip(String answer) {
        ThinkingFilter filter = new ThinkingFilter();
        return filter.accept(answer) + filter.finish();
    }

    /** What of this token (and of those held back before it) the reader may see now. */
    String accept(String token) {
        if (state == State.PASS) {
            return token;
        }
        held.append(token);
        return advance();
    }

    /** At the end of the answer: what was held back in case it began a tag, when it did not. */
    String finish() {
        String rest = state == State.START ? held.toString() : "";
        held.setLength(0);
        state = State.PASS;
        return rest;
    }

    private String advance() {
        while (true) {
            switch (state) {
                case START -> {
                    String text = held.toString().stripLeading();
                    if (text.isEmpty()) {
                        return "";
                    }
                    for (String[] tag : TAGS) {
                        if (text.startsWith(tag[0])) {
                            close = tag[1];
                            held.setLength(0);
                            held.append(text, tag[0].length(), text.length());
                            state = State.THINKING;
                            break;
                        }
                        if (tag[0].startsWith(text)) {
                            return ""; // perhaps a tag, not whole yet
                        }
                    }
                    if (state == State.START) {
                        state = State.PASS;
                        String all = held.toString();
                        held.setLength(0);
                        return all;
                    }
                }
                case THINKING -> {
                    int end = held.indexOf(close);
                    if (end < 0) {
                        // Only a tail that may be the start of the closing tag is worth keeping.
                        held.delete(0, Math.max(0, held.length() - (close.length() - 1)));
                        return "";
                    }
                    held.delete(0, end + close.length());
                    state = State.AFTER;
                }
                case AFTER -> {
                    String text = held.toString().stripLeading();
                    held.setLength(0);
                    if (text.isEmpty()) {
                        return "";
                    }
                    state = State.PASS;
                    return text;
                }
                case PASS -> {
                    String all = held.toString();
                    held.setLength(0);
                    return all;
                }
            }
        }
    }
}
