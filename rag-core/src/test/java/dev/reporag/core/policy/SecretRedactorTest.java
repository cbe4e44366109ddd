package dev.reporag.core.policy;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

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

    /** Each row: a line holding a secret (written '\\n' for line breaks), and the secret, which must go. */
    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', quoteCharacter = '~', textBlock = """
            yaml unquoted                  | password: Abc123x                                                 | Abc123x
            yaml nested                    | spring:\\n  datasource:\\n    password: S3cr3t-Pw                      | S3cr3t-Pw
            yaml comment after             | client-secret: 9f8e7d6c5b # rotated monthly                        | 9f8e7d6c5b
            properties                     | spring.datasource.password=Tr0ub4dor&3                             | Tr0ub4dor&3
            properties colon               | mail.smtp.password:Hunter2!x                                       | Hunter2!x
            ini                            | [db]\\npassword = Qwe!rty78                                          | Qwe!rty78
            toml quoted                    | [database]\\npassword = "Abc123x"                                    | Abc123x
            dotenv                         | DB_PASSWORD=p4ssw0rdValue                                         | p4ssw0rdValue
            dotenv export                  | export STRIPE_SECRET=Zx9-Yw8-Vu7                                   | Zx9-Yw8-Vu7
            dotenv CRLF                    | API_TOKEN=AbCdEf123456\\r                                         | AbCdEf123456
            json                           | {"password": "Abc123x", "user": "app"}                            | Abc123x
            json api key                   | {"apiKey":"q1w2e3r4t5y6"}                                          | q1w2e3r4t5y6
            maven settings.xml             | <server>\\n  <id>r</id>\\n  <password>Mvn-Pa55word</password>\\n</server> | Mvn-Pa55word
            maven encrypted                | <password>{COQLCE6DU6GtcS5P=}</password>                          | COQLCE6DU6GtcS5P
            xml private key element        | <privateKey>abc123def456</privateKey>                             | abc123def456
            jdbc url                       | url=jdbc:postgresql://db:5432/app?user=app&password=Pg-S3cret1     | Pg-S3cret1
            jdbc first parameter           | jdbc:mysql://db/app?password=MyS3cret&useSSL=true                  | MyS3cret
            sql server                     | Server=db;Database=app;User Id=sa;Password=Sq1-Serv3r;             | Sq1-Serv3r
            azure storage                  | DefaultEndpointsProtocol=https;AccountName=acct;AccountKey=Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==;EndpointSuffix=core.windows.net | Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50
            azure service bus              | Endpoint=sb://ns.servicebus.windows.net/;SharedAccessKeyName=k;SharedAccessKey=aBcD1234eFgH5678iJkL9012mNoP3456qRsT7890uVw= | aBcD1234eFgH5678
            slack webhook                  | notify: https://hooks.slack.com/services/T00000000/B00000000/XXXXXXXXXXXXXXXXXXXXXXXX | XXXXXXXXXXXXXXXXXXXXXXXX
            slack webhook in code          | post("https://hooks.slack.com/services/T0A1B2C3D/B4E5F6G7H/abcdefghijklmnopqrstuvwx") | abcdefghijklmnopqrstuvwx
            authorization basic            | Authorization: Basic dXNlcjpTM2NyM3RQYXNz                         | dXNlcjpTM2NyM3RQYXNz
            authorization bearer curl      | curl -H "Authorization: Bearer abc123def456ghi789" https://x      | abc123def456ghi789
            authorization in json          | {"headers": {"Authorization": "Bearer tok_9a8b7c6d5e4f"}}         | tok_9a8b7c6d5e4f
            url credentials                | redis://default:R3dis-Pw@cache:6379                               | R3dis-Pw
            prose, a line of its own       | Password: Welcome2024!                                            | Welcome2024!
            prose, a list item             | * staging password: Welcome2024!                                  | Welcome2024!
            """)
    void redactsEachFormat(String format, String text, String secret) {
        String input = text.replace("\\n", "\n").replace("\\r", "\r");
        SecretRedactor.Result result = redactor.redact(input);
        assertThat(result.text()).as(format).doesNotContain(secret).contains("[REDACTED]");
        assertThat(result.text().lines().count()).as(format).isEqualTo(input.lines().count());
        assertThat(result.redactions()).as(format).isPositive();
    }

    /** Code and configuration that only name secrets, or point at them, stays as it is. */
    @ParameterizedTest
    @ValueSource(strings = {
            "String password",
            "void login(String user, String password) {",
            "    check(password);",
            "password)",
            "password = readPassword();",
            "String password = userInput",
            "val password: String",
            "private password: string",
            "    password = new char[0]",
            "password: String,",
            "  password: string;",
            "def connect(host, password=None):",
            "password: ${DB_PASSWORD}",
            "spring.datasource.password=${DB_PASSWORD}",
            "password.min-length=12",
            "token.ttl-seconds=3600",
            "password.encoder=bcrypt",
            "token-url=https://auth.example.com/oauth2/token",
            "secret-file=/run/secrets/db",
            "Password: see the team vault",
            "<password>${env.MAVEN_PASSWORD}</password>",
            "jdbc:postgresql://db/app?password=${PGPASSWORD}",
            "jdbc:postgresql://db/app?user=app\" + \"&password=\" + password",
            "headers.put(\"Authorization\", \"Bearer \" + token);",
            "Authorization: Bearer YOUR_TOKEN",
            "Authorization: Bearer ${TOKEN}",
            "| `RAG_ADMIN_TOKEN` | | unset | bearer token for changes |",
            "Map<String, Key> keys = new HashMap<Key>();"})
    void namesOfSecretsInCodeAreNotRedacted(String line) {
        assertThat(redactor.redact(line + "\n")).isEqualTo(new SecretRedactor.Result(line + "\n", 0));
    }
}
