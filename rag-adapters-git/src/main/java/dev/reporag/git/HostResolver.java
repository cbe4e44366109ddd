package dev.reporag.git;

import java.net.InetAddress;
import java.net.UnknownHostException;

/**
 * Resolves a host name to every address it has. A seam so tests can make a name resolve to a
 * private address; production uses the JVM's resolver, whose cache (30 s by default) is the one
 * the HTTP connection then uses, which narrows DNS-rebinding windows.
 */
@FunctionalInterface
interface HostResolver {
    InetAddress[] resolve(String host) throws UnknownHostException;

    HostResolver SYSTEM = InetAddress::getAllByName;
}
