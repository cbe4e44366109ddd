package dev.reporag.docs;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * Just enough of the shell to read documented commands: continuation lines, comments, quotes,
 * {@code &&}/{@code ||}/{@code ;}/{@code |} between commands, and leading {@code NAME=value}
 * assignments. No expansion: {@code $X} stays as written.
 */
final class Shell {
    private static final Pattern ASSIGNMENT = Pattern.compile("[A-Za-z_][A-Za-z0-9_]*=.*");

    private Shell() {
    }

    /** One simple command: its environment assignments and its words. */
    record Command(int line, Map<String, String> env, List<String> words) {
        String text() {
            StringBuilder s = new StringBuilder();
            env.forEach((k, v) -> s.append(k).append('=').append(v).append(' '));
            return s.append(String.join(" ", words)).toString().strip();
        }
    }

    /** The commands of a block, in order; {@code firstLine} numbers them for messages. */
    static List<Command> commands(String block, int firstLine) {
        List<Command> commands = new ArrayList<>();
        String[] lines = block.split("\n", -1);
        StringBuilder logical = new StringBuilder();
        int logicalStart = firstLine;
        for (int i = 0; i < lines.length; i++) {
            String line = lines[i];
            if (logical.isEmpty()) {
                logicalStart = firstLine + i;
            }
            if (line.endsWith("\\")) {
                logical.append(line, 0, line.length() - 1).append(' ');
                continue;
            }
            logical.append(line);
            split(logical.toString(), logicalStart, commands);
            logical.setLength(0);
        }
        if (!logical.isEmpty()) {
            split(logical.toString(), logicalStart, commands);
        }
        return commands;
    }

    private static void split(String line, int number, List<Command> out) {
        List<String> words = new ArrayList<>();
        StringBuilder word = new StringBuilder();
        boolean inWord = false;
        char quote = 0;
        for (int i = 0; i < line.length(); i++) {
            char c = line.charAt(i);
            if (quote != 0) {
                if (c == quote) {
                    quote = 0;
                } else if (c == '\\' && quote == '"' && i + 1 < line.length()) {
                    word.append(line.charAt(++i));
                } else {
                    word.append(c);
                }
                continue;
            }
            if (c == '\'' || c == '"') {
                quote = c;
                inWord = true;
            } else if (c == '#' && !inWord) {
                break;
            } else if (Character.isWhitespace(c)) {
                if (inWord) {
                    words.add(word.toString());
                    word.setLength(0);
                    inWord = false;
                }
            } else if (c == ';' || c == '|' || c == '&') {
                if (inWord) {
                    words.add(word.toString());
                    word.setLength(0);
                    inWord = false;
                }
                if (i + 1 < line.length() && line.charAt(i + 1) == c) {
                    i++;
                }
                emit(words, number, out);
                words = new ArrayList<>();
            } else {
                word.append(c);
                inWord = true;
            }
        }
        if (quote != 0) {
            throw new IllegalArgumentException("line " + number + ": unclosed quote in: " + line);
        }
        if (inWord) {
            words.add(word.toString());
        }
        emit(words, number, out);
    }

    private static void emit(List<String> words, int line, List<Command> out) {
        Map<String, String> env = new LinkedHashMap<>();
        int i = 0;
        while (i < words.size() && ASSIGNMENT.matcher(words.get(i)).matches()) {
            String w = words.get(i++);
            env.put(w.substring(0, w.indexOf('=')), w.substring(w.indexOf('=') + 1));
        }
        if (!env.isEmpty() || i < words.size()) {
            out.add(new Command(line, env, List.copyOf(words.subList(i, words.size()))));
        }
    }
}
