package dev.reporag.git;

import dev.reporag.core.port.SourceException;
import org.eclipse.jgit.transport.http.HttpConnection;
import org.eclipse.jgit.transport.http.HttpConnectionFactory2;
import org.eclipse.jgit.transport.http.JDKHttpConnectionFactory;

import java.io.IOException;
import java.net.Proxy;
import java.net.URL;

/**
 * JGit follows HTTP redirects itself (with the JDK's own following turned off) and opens every
 * connection, the first and each redirect target, through its connection factory. Checking the
 * URL here applies the source policy to redirects too. Installed per transport, never globally.
 */
final class CheckedHttpConnectionFactory implements HttpConnectionFactory2 {
    private final HttpConnectionFactory2 delegate = new JDKHttpConnectionFactory();
    private final SourceUrlPolicy policy;

    CheckedHttpConnectionFactory(SourceUrlPolicy policy) {
        this.policy = policy;
    }

    @Override
    public HttpConnection create(URL url) throws IOException {
        check(url);
        return delegate.create(url);
    }

    @Override
    public HttpConnection create(URL url, Proxy proxy) throws IOException {
        check(url);
        return delegate.create(url, proxy);
    }

    @Override
    public GitSession newSession() {
        return delegate.newSession();
    }

    private void check(URL url) throws RefusedEndpointException {
        String display = url.getProtocol() + "://" + url.getHost() + (url.getPort() < 0 ? "" : ":" + url.getPort())
                + url.getPath();
        try {
            policy.checkEndpoint(url.getProtocol(), url.getHost(), display);
        } catch (SourceException e) {
            throw new RefusedEndpointException(e.getMessage());
        }
    }

    /** Carries a refusal through JGit, which only lets IOExceptions out of a connection factory. */
    static final class RefusedEndpointException extends IOException {
        private static final long serialVersionUID = 1L;

        RefusedEndpointException(String message) {
            super(message);
        }
    }
}
