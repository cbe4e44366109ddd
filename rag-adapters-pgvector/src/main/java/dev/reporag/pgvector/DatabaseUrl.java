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
 * or the JDBC form ({@code jdbc:postgresql://host:port/database?user=u&password=p}); either with
 * several hosts ({@code host1:5432,host2:5432}) tried in turn, and libpq's parameter names. The
 * credentials are kept apart from the JDBC URL so they never reach a log line; {@link #toString()}
 * masks the password.
 */
public final class DatabaseUrl {
    private static final String FORMS = "expected postgres://user:password@host:port/database"
            + " or jdbc:postgresql://host:port/database";

    /**
     * libpq's names of parameters the JDBC driver knows by other names (it ignores the ones it does
     * not know): Neon's and Supabase's connection strings carry {@code channel_binding} and
     * {@code connect_timeout}, high-availability set-ups {@code target_session_attrs}.
     */
    private static final Map<String, String> LIBPQ_NAMES = Map.of("connect_timeout", "connectTimeout",
            "application_name", "ApplicationName", "channel_binding", "channelBinding",
            "target_session_attrs", "targetServerType");
    /** libpq's {@code target_session_attrs} values as the driver's {@code targetServerType}. */
    private static final Map<String, String> SESSION_ATTRS = Map.of("any", "any", "read-write", "primary",
            "primary", "primary", "read-only", "secondary", "standby", "secondary", "prefer-standby", "preferSecondary");

    private final String host;
    private final int port;
    /** Every host:port of the URL, as the driver takes them: it tries them in turn. */
    private final String hosts;
    private final String database;
    private final String user;
    private final String password;
    private final Map<String, String> parameters;

    private DatabaseUrl(String host, int port, String hosts, String database, String user, String password,
                        Map<String, String> parameters) {
        this.host = host;
        this.port = port;
        this.hosts = hosts;
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
        // Several hosts (host1:5432,host2:5432, as libpq and the driver take them) are no URI authority:
        // they are read here, and the URI is parsed with the first one in their place.
        int slash = rest.length();
        for (char end : new char[]{'/', '?', '#'}) {
            int i = rest.indexOf(end);
            if (i >= 0 && i < slash) {
                slash = i;
            }
        }
        String authority = rest.substring(0, slash);
        int at = authority.lastIndexOf('@');
        String hostList = authority.substring(at + 1);
        String[] hostPorts = hostList.split(",", -1);
        URI uri;
        try {
            uri = new URI("postgresql://" + authority.substring(0, at + 1) + hostPorts[0] + rest.substring(slash));
        } catch (URISyntaxException e) {
            // The reason may quote the URL, password included: leave it out.
            throw new StoreException("DATABASE_URL is not a valid URL (percent-encode special characters in the"
                    + " user name and password); " + FORMS);
        }
        String host = uri.getHost();
        if (host == null || host.isEmpty()) {
            String query = uri.getRawQuery() == null ? "" : "&" + uri.getRawQuery();
            if (query.contains("&host=/") || query.contains("&host=%2F") || query.contains("&host=%2f")) {
                throw new StoreException("DATABASE_URL names a Unix socket (host=/…), and the JDBC driver connects"
                        + " over TCP only: give the server's host and port (for example 127.0.0.1:5432); " + FORMS);
            }
            throw new StoreException("DATABASE_URL names no host (a / @ or : in the user name or password must be"
                    + " percent-encoded); " + FORMS);
        }
        StringJoiner hosts = new StringJoiner(",");
        for (String hostPort : hostPorts) {
            hosts.add(hostPort(hostPort, hostPorts.length > 1));
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
                    case "target_session_attrs" -> parameters.put(LIBPQ_NAMES.get(key),
                            SESSION_ATTRS.getOrDefault(value, value));
                    default -> parameters.put(LIBPQ_NAMES.getOrDefault(key, key), value);
                }
            }
        }
        return new DatabaseUrl(host, uri.getPort() < 0 ? 5432 : uri.getPort(), hosts.toString(), database,
                user == null || user.isEmpty() ? null : user, password, parameters);
    }

    /** One {@code host[:port]} of a list, checked, with the port (5432 when left out). */
    private static String hostPort(String text, boolean ofAList) {
        URI one;
        try {
            one = new URI("postgresql://" + text + "/");
        } catch (URISyntaxException e) {
            one = null;
        }
        if (one == null || one.getHost() == null || one.getHost().isEmpty() || one.getRawUserInfo() != null) {
            throw new StoreException(ofAList
                    ? "DATABASE_URL has a host list with an invalid entry (host:port,host:port); " + FORMS
                    : "DATABASE_URL is not a valid URL (percent-encode special characters in the user name and"
                    + " password); " + FORMS);
        }
        String name = one.getHost();
        return (name.contains(":") && !name.startsWith("[") ? "[" + name + "]" : name) + ':'
                + (one.getPort() < 0 ? 5432 : one.getPort());
    }

    /** The JDBC URL without credentials: safe to log. */
    public String jdbcUrl() {
        StringBuilder url = new StringBuilder("jdbc:postgresql://").append(hosts).append('/').append(encode(database));
        if (!parameters.isEmpty()) {
            StringJoiner query = new StringJoiner("&", "?", "");
            parameters.forEach((k, v) -> query.add(encode(k) + '=' + encode(v)));
            url.append(query);
        }
        return url.toString();
    }

    /** The first host of the URL. */
    public String host() {
        return host;
    }

    /** The first host's port. */
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
        return o instanceof DatabaseUrl other && hosts.equals(other.hosts)
                && database.equals(other.database) && Objects.equals(user, other.user)
                && Objects.equals(password, other.password) && parameters.equals(other.parameters);
    }

    @Override
    public int hashCode() {
        return Objects.hash(hosts, database, user);
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
