package dev.reporag.pgvector;

import dev.reporag.core.port.StoreException;

import java.net.URI;
import java.net.URISyntaxException;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.StringJoiner;

/**
 * A PostgreSQL location as given in {@code DATABASE_URL}: Render's and Heroku's form
 * ({@code postgres://user:password@host:port/database?sslmode=require}, also {@code postgresql://})
 * or the JDBC form ({@code jdbc:postgresql://host:port/database?user=u&password=p}). The
 * credentials are kept apart from the JDBC URL so they never reach a log line; {@link #toString()}
 * masks the password.
 */
public final class DatabaseUrl {
    private static final String FORMS = "expected postgres://user:password@host:port/database"
            + " or jdbc:postgresql://host:port/database";

    private final String host;
    private final int port;
    private final String database;
    private final String user;
    private final String password;
    private final Map<String, String> parameters;

    private DatabaseUrl(String host, int port, String database, String user, String password,
                        Map<String, String> parameters) {
        this.host = host;
        this.port = port;
        this.database = database;
        this.user = user;
        this.password = password;
        this.parameters = Collections.unmodifiableMap(new LinkedHashMap<>(parameters));
    }

    /**
     * Parses either form. Query parameters (sslmode, ...) are kept; {@code user} and
     * {@code password} parameters become the credentials.
     *
     * @throws StoreException naming what is wrong, never echoing the password
     */
    public static DatabaseUrl parse(String url) {
        if (url == null || url.isBlank()) {
            throw new StoreException("DATABASE_URL is empty; " + FORMS);
        }
        String text = url.strip();
        String rest;
        if (text.startsWith("jdbc:postgresql://")) {
            rest = text.substring("jdbc:postgresql://".length());
        } else if (text.startsWith("postgres://")) {
            rest = text.substring("postgres://".length());
        } else if (text.startsWith("postgresql://")) {
            rest = text.substring("postgresql://".length());
        } else {
            throw new StoreException("DATABASE_URL has an unsupported scheme; " + FORMS);
        }
        URI uri;
        try {
            uri = new URI("postgresql://" + rest);
        } catch (URISyntaxException e) {
            // The reason may quote the URL, password included: leave it out.
            throw new StoreException("DATABASE_URL is not a valid URL (percent-encode special characters in the"
                    + " user name and password); " + FORMS);
        }
        String host = uri.getHost();
        if (host == null || host.isEmpty()) {
            throw new StoreException("DATABASE_URL names no host; " + FORMS);
        }
        String path = uri.getRawPath() == null ? "" : uri.getRawPath();
        String database = decode(path.startsWith("/") ? path.substring(1) : path);
        if (database.isEmpty() || database.contains("/")) {
            throw new StoreException("DATABASE_URL names no database; " + FORMS);
        }
        String user = null;
        String password = null;
        if (uri.getRawUserInfo() != null) {
            String info = uri.getRawUserInfo();
            int colon = info.indexOf(':');
            user = decode(colon < 0 ? info : info.substring(0, colon));
            password = colon < 0 ? null : decode(info.substring(colon + 1));
        }
        Map<String, String> parameters = new LinkedHashMap<>();
        if (uri.getRawQuery() != null) {
            for (String pair : uri.getRawQuery().split("&")) {
                if (pair.isEmpty()) {
                    continue;
                }
                int eq = pair.indexOf('=');
                String key = decode(eq < 0 ? pair : pair.substring(0, eq));
                String value = eq < 0 ? "" : decode(pair.substring(eq + 1));
                switch (key) {
                    case "user" -> user = value;
                    case "password" -> password = value;
                    default -> parameters.put(key, value);
                }
            }
        }
        return new DatabaseUrl(host, uri.getPort() < 0 ? 5432 : uri.getPort(), database,
                user == null || user.isEmpty() ? null : user, password, parameters);
    }

    /** The JDBC URL without credentials: safe to log. */
    public String jdbcUrl() {
        String hostPart = host.contains(":") && !host.startsWith("[") ? "[" + host + "]" : host;
        StringBuilder url = new StringBuilder("jdbc:postgresql://").append(hostPart).append(':').append(port)
                .append('/').append(encode(database));
        if (!parameters.isEmpty()) {
            StringJoiner query = new StringJoiner("&", "?", "");
            parameters.forEach((k, v) -> query.add(encode(k) + '=' + encode(v)));
            url.append(query);
        }
        return url.toString();
    }

    public String host() {
        return host;
    }

    public int port() {
        return port;
    }

    public String database() {
        return database;
    }

    public Optional<String> user() {
        return Optional.ofNullable(user);
    }

    /** The password, for handing to the driver only. */
    Optional<String> password() {
        return Optional.ofNullable(password);
    }

    /** Query parameters other than the credentials, such as {@code sslmode}. */
    public Map<String, String> parameters() {
        return parameters;
    }

    @Override
    public String toString() {
        String who = user == null ? "" : user + (password == null ? "" : ":****") + "@";
        return jdbcUrl().replaceFirst("^jdbc:postgresql://", "postgresql://" + who);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof DatabaseUrl other && port == other.port && host.equals(other.host)
                && database.equals(other.database) && Objects.equals(user, other.user)
                && Objects.equals(password, other.password) && parameters.equals(other.parameters);
    }

    @Override
    public int hashCode() {
        return Objects.hash(host, port, database, user);
    }

    private static String decode(String raw) {
        try {
            return URLDecoder.decode(raw.replace("+", "%2B"), StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            throw new StoreException("DATABASE_URL has a malformed %-escape; " + FORMS);
        }
    }

    private static String encode(String value) {
        return java.net.URLEncoder.encode(value, StandardCharsets.UTF_8).replace("+", "%20");
    }
}
