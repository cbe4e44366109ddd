package dev.reporag.core.policy;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class SecretRedactorTest {
    private final SecretRedactor redactor = new SecretRedactor();

    @Test
    void redactsKeyShapedStringsAndKeepsLines() {
        String text = """
                const openai = "sk-proj-abcdefghijklmnopqrstuvwxyz012345";
                aws_access_key_id = AKIAIOSFODNN7EXAMPLE
                GITHUB = 'ghp_0123456789abcdefghijklmnopqrstuvwxyzAB'
                slack: xoxb-1234567890-abcdefghij
                stripe = "sk_live_abcdefghijklmnopqrstuvwx"
                google = "AIzaSyA-1234567890abcdefghijklmnopqrstu"
                groq = "gsk_abcdefghijklmnopqrstuvwxyz"
                jwt = eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxMjM0NTY3ODkwIn0.dozjgNryP4J3jVmNHl0w5N_XgL0n3I9PlFUP0THsR8U
                """;
        SecretRedactor.Result result = redactor.redact(text);

        assertThat(result.redactions()).isEqualTo(8);
        assertThat(result.text()).doesNotContain("abcdefghijklmnop", "AKIAIOSFODNN7EXAMPLE", "ghp_0123", "xoxb-1234",
                "sk_live", "AIzaSy", "gsk_", "eyJhbGci");
        assertThat(result.text().lines().count()).isEqualTo(text.lines().count());
        assertThat(result.text()).contains("const openai = \"[REDACTED]\";");
    }

    @Test
    void redactsAssignedPasswordsAndUrlCredentialsButKeepsNames() {
        String text = """
                db.password = "c0rrect-h0rse-battery"
                "apiKey": "0123456789abcdef",
                String url = "postgres://rag:s3cretpass@db.example.com/rag";
                int tokens = countTokens(text);
                String password = readPassword();
                """;
        SecretRedactor.Result result = redactor.redact(text);

        assertThat(result.text()).contains("db.password = \"[REDACTED]\"")
                .contains("\"apiKey\": \"[REDACTED]\"")
                .contains("postgres://rag:[REDACTED]@db.example.com/rag")
                .contains("int tokens = countTokens(text);")
                .contains("String password = readPassword();");
        assertThat(result.redactions()).isEqualTo(3);
    }

    @Test
    void redactsPrivateKeyBlocksKeepingTheLineCount() {
        String text = "a\n-----BEGIN RSA PRIVATE KEY-----\nMIIEow\nIBAAK\n-----END RSA PRIVATE KEY-----\nb\n";
        SecretRedactor.Result result = redactor.redact(text);

        assertThat(result.text()).isEqualTo("a\n[REDACTED]\n\n\n\nb\n");
        assertThat(result.redactions()).isEqualTo(1);
    }

    @Test
    void namesAndPlaceholdersAreNotSecrets() {
        String code = """
                private static final String KEYSTORE_PASSWORD_ENV = "keystorepasswordenv";
                private static final String PASSWORD_FILE_NAME = "jmxremote.password";
                private static final String USERNAME_TOKEN = "{USERNAME}";
                final String NMTOKENS = "NMTOKENS";
                String apiKey = "${API_KEY}";
                String token = "passwordFile";
                """;
        assertThat(redactor.redact(code)).isEqualTo(new SecretRedactor.Result(code, 0));
    }

    @Test
    void ordinaryCodeIsUntouched() {
        String code = "public Token nextToken(String key) {\n  return tokens.get(key); // sk- prefix handled\n}\n";
        assertThat(redactor.redact(code)).isEqualTo(new SecretRedactor.Result(code, 0));
    }
}
