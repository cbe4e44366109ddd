package dev.reporag.local;

import dev.reporag.core.model.Project;

import java.util.Map;

/**
 * Changes to what older releases stored, each run once when a store opens and then recorded in the
 * meta map under its own key (the embedded store's counterpart of the PostgreSQL adapter's Flyway
 * migrations, numbered alike).
 */
final class StoreUpgrades {
    /** Same change as V6_1__strip_url_credentials.sql. */
    static final String STRIP_URL_CREDENTIALS = "upgrade.6.1.strip-url-credentials";

    private StoreUpgrades() {
    }

    /** Runs the upgrades this store has not had yet; returns how many records changed. */
    static int run(MvState state) {
        return state.write(() -> {
            if (state.meta.containsKey(STRIP_URL_CREDENTIALS)) {
                return 0;
            }
            int changed = 0;
            for (Map.Entry<String, byte[]> entry : state.projects.entrySet()) {
                Project p = Codec.project(entry.getValue());
                String clean = withoutUserInfo(p.source());
                if (!clean.equals(p.source())) {
                    state.projects.put(entry.getKey(),
                            Codec.project(new Project(p.id(), p.name(), clean, p.ref(), p.createdAt(), p.paths())));
                    changed++;
                }
            }
            state.meta.put(STRIP_URL_CREDENTIALS, "done");
            return changed;
        });
    }

    /**
     * The source without user info: in a URL it ends at the last '@' before the first '/' after
     * "scheme://"; in the scp-like form {@code user:password@host:path}, at its '@'.
     */
    static String withoutUserInfo(String source) {
        int scheme = source.indexOf("://");
        if (scheme > 0 && isScheme(source.substring(0, scheme))) {
            int start = scheme + 3;
            int slash = source.indexOf('/', start);
            int end = slash < 0 ? source.length() : slash;
            int at = source.lastIndexOf('@', end - 1);
            return at >= start ? source.substring(0, start) + source.substring(at + 1) : source;
        }
        int at = source.indexOf('@');
        int colon = source.indexOf(':');
        int slash = source.indexOf('/');
        boolean scpCredentials = at > 0 && colon > 0 && colon < at && (slash < 0 || slash > at);
        return scpCredentials ? source.substring(at + 1) : source;
    }

    private static boolean isScheme(String text) {
        if (text.isEmpty() || !Character.isLetter(text.charAt(0))) {
            return false;
        }
        return text.chars().allMatch(c -> (c < 128 && Character.isLetterOrDigit(c)) || c == '+' || c == '.' || c == '-');
    }
}
