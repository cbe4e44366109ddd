package dev.reporag.cli;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class TerminalTextTest {
    @Test
    void controlsAndReorderingCharactersBecomeVisibleEscapes() {
        assertThat(TerminalText.line("a\u001b[31mb\u0007c\u009bd\u007fe")).isEqualTo("a\\x1b[31mb\\x07c\\x9bd\\x7fe");
        assertThat(TerminalText.line("evil\u202etxt.exe\u2066\u200b")).isEqualTo("evil\\u202etxt.exe\\u2066\\u200b");
        assertThat(TerminalText.line("one\ntwo\rthree\tfour")).isEqualTo("one\\x0atwo\\x0dthree\\x09four");
        assertThat(TerminalText.lines("one\ntwo\r\tthree")).isEqualTo("one\ntwo\\x0d\tthree");
        // A passage of a file with Windows line ends printed "\x0d" at the end of every line.
        assertThat(TerminalText.lines("class A {\r\n    int v;\r\n}\r\n")).isEqualTo("class A {\n    int v;\n}\n");
        assertThat(TerminalText.lines("over\rwrite\r")).isEqualTo("over\\x0dwrite\\x0d");
        assertThat(TerminalText.line("a\r\nb")).isEqualTo("a\\x0d\\x0ab");
        assertThat(TerminalText.line("plain ü 日本 😀")).isEqualTo("plain ü 日本 😀");
        assertThat(TerminalText.line(null)).isNull();
    }
}
