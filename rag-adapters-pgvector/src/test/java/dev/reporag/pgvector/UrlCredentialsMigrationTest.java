package dev.reporag.pgvector;

import org.flywaydb.core.Flyway;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

/** V6_1: projects registered with credentials in their URL (accepted before) lose them on upgrade. */
class UrlCredentialsMigrationTest {
    private final TestSchema schema = new TestSchema("creds");

    @AfterEach
    void drop() {
        schema.close();
    }

    @Test
    void upgradingRemovesUserInfoFromStoredRepositoryUrlsAndKeepsTheRest() throws SQLException {
        DatabaseUrl url = DatabaseUrl.parse(TestSchema.serverUrl());
        Flyway.configure()
                .dataSource(url.jdbcUrl(), url.user().orElse(null), url.password().orElse(null))
                .locations("classpath:db/reporag").table(SchemaMigrations.HISTORY_TABLE)
                .placeholders(Map.of("dimension", "8")).schemas(schema.name()).defaultSchema(schema.name())
                .createSchemas(true).target("5.2") // the schema of the release before
                .load().migrate();
        Map<String, String> before = new LinkedHashMap<>();
        before.put("https://user:Secret123@github.com/a/b.git", "https://github.com/a/b.git");
        before.put("https://ghp_tokenvalue@gitlab.com:8443/c/d", "https://gitlab.com:8443/c/d");
        before.put("https://u:p@ss@host.example/e", "https://host.example/e");
        before.put("user:Secret123@example.com:c/d.git", "example.com:c/d.git");
        before.put("https://github.com/a/b@v1", "https://github.com/a/b@v1");
        before.put("/srv/repos/plain", "/srv/repos/plain");
        try (Connection c = schema.connection();
             PreparedStatement insert = c.prepareStatement(
                     "INSERT INTO projects (id, name, source, ref, created_at) VALUES (?, ?, ?, NULL, now())")) {
            for (String source : before.keySet()) {
                insert.setString(1, UUID.randomUUID().toString());
                insert.setString(2, "p" + Math.abs(source.hashCode()));
                insert.setString(3, source);
                insert.executeUpdate();
            }
        }

        schema.open("m", 8); // migrates to the current version

        Map<String, String> after = new LinkedHashMap<>();
        try (Connection c = schema.connection(); Statement s = c.createStatement();
             ResultSet rows = s.executeQuery("SELECT name, source FROM projects")) {
            while (rows.next()) {
                after.put(rows.getString(1), rows.getString(2));
            }
        }
        for (Map.Entry<String, String> e : before.entrySet()) {
            assertThat(after.get("p" + Math.abs(e.getKey().hashCode()))).as(e.getKey()).isEqualTo(e.getValue());
        }
        assertThat(after.values().toString()).doesNotContain("Secret123", "ghp_tokenvalue", "p@ss");
    }
}
