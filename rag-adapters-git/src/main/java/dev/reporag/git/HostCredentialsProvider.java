package dev.reporag.git;

import org.eclipse.jgit.transport.CredentialItem;
import org.eclipse.jgit.transport.CredentialsProvider;
import org.eclipse.jgit.transport.URIish;

import java.util.Locale;
import java.util.Map;

/**
 * Answers JGit's user name and password prompts with the credentials configured for the host
 * being asked about, so a secret only ever goes to its own host (also after a redirect). It answers
 * nothing else: in particular never "trust this certificate anyway".
 */
final class HostCredentialsProvider extends CredentialsProvider {
    private final Map<String, GitSourceSettings.HostCredentials> byHost;

    HostCredentialsProvider(Map<String, GitSourceSettings.HostCredentials> byHost) {
        this.byHost = Map.copyOf(byHost);
    }

    boolean hasCredentialsFor(String host) {
        return host != null && byHost.containsKey(host.toLowerCase(Locale.ROOT));
    }

    @Override
    public boolean isInteractive() {
        return false;
    }

    @Override
    public boolean supports(CredentialItem... items) {
        for (CredentialItem item : items) {
            if (!(item instanceof CredentialItem.Username) && !(item instanceof CredentialItem.Password)) {
                return false;
            }
        }
        return true;
    }

    @Override
    public boolean get(URIish uri, CredentialItem... items) {
        GitSourceSettings.HostCredentials credentials = uri.getHost() == null ? null
                : byHost.get(uri.getHost().toLowerCase(Locale.ROOT));
        if (credentials == null || !supports(items)) {
            return false;
        }
        for (CredentialItem item : items) {
            if (item instanceof CredentialItem.Username username) {
                username.setValue(credentials.username());
            } else if (item instanceof CredentialItem.Password password) {
                password.setValue(credentials.secret().toCharArray());
            }
        }
        return true;
    }
}
