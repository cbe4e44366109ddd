package dev.reporag.git;

import dev.reporag.core.port.SourceException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.file.Path;
import java.util.Map;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class SourceUrlPolicyTest {
    /** Names the tests resolve; any other name does not resolve. */
    private static final Map<String, String[]> DNS = Map.of(
            "github.com", new String[] {"140.82.112.3"},
            "gitlab.com", new String[] {"172.65.251.78"},
            "localhost", new String[] {"127.0.0.1", "::1"},
            "internal.example", new String[] {"10.0.0.5"},
            "metadata.example", new String[] {"169.254.169.254"},
            "mixed.example", new String[] {"93.184.216.34", "192.168.0.1"},
            "v6.example", new String[] {"2606:4700::1111"},
            "mapped.example", new String[] {"::ffff:10.1.1.1"},
            "xn--bcher-kva.example", new String[] {"93.184.216.34"});

    static final HostResolver RESOLVER = host -> {
        String[] addresses = DNS.get(host);
        if (addresses == null) {
            throw new UnknownHostException(host);
        }
        InetAddress[] resolved = new InetAddress[addresses.length];
        for (int i = 0; i < addresses.length; i++) {
            resolved[i] = InetAddress.getByName(addresses[i]); // literals: no lookup
        }
        return resolved;
    };

    private final SourceUrlPolicy strict = new SourceUrlPolicy(false, Set.of(), RESOLVER);
    private final SourceUrlPolicy local = new SourceUrlPolicy(true, Set.of(), RESOLVER);

    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource(delimiter = '|', textBlock = """
            https://127.0.0.1/a.git              | is a loopback address
            https://127.8.9.10/a.git             | loopback
            https://localhost/a.git              | resolves to 127.0.0.1, a loopback address
            https://169.254.169.254/latest       | link-local
            https://10.1.2.3/a.git               | private network
            https://172.16.0.1/a.git             | private network
            https://172.31.255.255/a.git         | private network
            https://192.168.1.1/a.git            | private network
            https://100.64.0.1/a.git             | carrier-grade NAT
            https://100.127.255.254/a.git        | carrier-grade NAT
            https://224.0.0.1/a.git              | multicast
            https://239.255.255.250/a.git        | multicast
            https://0.0.0.0/a.git                | unspecified
            https://0/a.git                      | unspecified
            https://255.255.255.255/a.git        | reserved
            https://2130706433/a.git             | stands for 127.0.0.1, a loopback address
            https://0177.0.0.1/a.git             | stands for 127.0.0.1, a loopback address
            https://0x7f000001/a.git             | stands for 127.0.0.1, a loopback address
            https://0x7f.1/a.git                 | stands for 127.0.0.1, a loopback address
            https://127.1/a.git                  | stands for 127.0.0.1, a loopback address
            https://017700000001/a.git           | stands for 127.0.0.1, a loopback address
            https://0xa9fea9fe/latest            | link-local
            https://[::1]/a.git                  | loopback
            https://[::]/a.git                   | unspecified
            https://[::ffff:127.0.0.1]/a.git     | loopback
            https://[::ffff:7f00:1]/a.git        | loopback
            https://[::ffff:169.254.169.254]/x   | link-local
            https://[0:0:0:0:0:ffff:a00:1]/x     | private network
            https://[::127.0.0.1]/x              | loopback
            https://[64:ff9b::a9fe:a9fe]/x       | link-local
            https://[2002:7f00:1::]/x            | loopback
            https://[fd00::1]/a.git              | private network
            https://[fe80::1]/a.git              | link-local
            https://[ff02::1]/a.git              | multicast
            https://internal.example/a.git       | resolves to 10.0.0.5, a private network address
            https://metadata.example/latest      | resolves to 169.254.169.254, a link-local address
            https://mixed.example/a.git          | resolves to 192.168.0.1
            https://mapped.example/a.git         | resolves to 10.1.1.1
            """)
    void refusesHostsThatAreNotPublic(String source, String reason) {
        assertThatThrownBy(() -> strict.check(source))
                .isInstanceOf(SourceException.class)
                .hasMessageStartingWith("refused the source")
                .hasMessageContaining(reason);
        assertThatThrownBy(() -> strict.checkWithoutRequiringDns(source)).isInstanceOf(SourceException.class);
    }

    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource(delimiter = '|', textBlock = """
            ext::sh -c touch% /tmp/pwned          | remote helpers
            fd::3                                 | remote helpers
            ssh://git@github.com/owner/repo.git   | ssh sources are not supported
            git+ssh://github.com/owner/repo.git   | ssh sources are not supported
            git@github.com:owner/repo.git         | ssh sources are not supported
            github.com:owner/repo.git             | ssh sources are not supported
            git://github.com/owner/repo.git       | not encrypted
            http://github.com/owner/repo.git      | not encrypted
            ftp://github.com/owner/repo.git       | scheme 'ftp' is not supported
            file:///tmp/repo.git                  | file:// sources are refused; set RAG_ALLOW_LOCAL_SOURCES=true
            /tmp/repo.git                         | local paths are refused
            ./repo                                | local paths are refused
            repo                                  | local paths are refused
            https://github.com                    | names a host but no repository
            https://github.com/                   | names a host but no repository
            https://github.com/a?b=c              | no query or fragment
            https://github.com/a#b                | no query or fragment
            https://github.com/a\\b               | backslashes
            https:///a.git                        | has no host
            https://github.com:99999/a.git        | the port is not a number from 1 to 65535
            https://0x08080808/a.git              | unusual spelling of an IP address; write it as 8.8.8.8
            https://010.8.8.8/a.git               | unusual spelling
            https://256.1.1.1/a.git               | not a valid IP address
            https://1.2.3.4.5/a.git               | not a valid IP address
            https://09.1.1.1/a.git                | not a valid IP address
            https://[::1/a.git                    | not closed
            https://[fe80::1%25eth0]/a.git        | not a valid IPv6 address
            https://git%68ub.com/a.git            | not a valid host name
            """)
    void refusesFormsThatAreNotHttpsToAHost(String source, String reason) {
        assertThatThrownBy(() -> strict.check(source))
                .isInstanceOf(SourceException.class)
                .hasMessageContaining(reason);
    }

    @Test
    void refusesBlankSources() {
        assertThatThrownBy(() -> strict.check(" ")).isInstanceOf(SourceException.class).hasMessageContaining("empty");
        assertThatThrownBy(() -> strict.check("https://github.com/a b")).hasMessageContaining("spaces");
        assertThatThrownBy(() -> strict.check("https://github.com/a\u0000b")).hasMessageContaining("control");
    }

    @Test
    void acceptsHttpsUrlsOfPublicHostsAndNormalizesThem() {
        assertThat(strict.check("https://github.com/owner/repo.git"))
                .isEqualTo(new SourceLocation.Remote("https", "github.com", -1, "/owner/repo.git"));
        assertThat(strict.check("HTTPS://GitHub.COM./owner/repo/").transportUrl())
                .isEqualTo("https://github.com/owner/repo");
        assertThat(strict.check("https://github.com:443/owner/repo").transportUrl())
                .isEqualTo("https://github.com/owner/repo");
        assertThat(strict.check("https://github.com:8443/owner/repo").transportUrl())
                .isEqualTo("https://github.com:8443/owner/repo");
        assertThat(strict.check("https://8.8.8.8/owner/repo").transportUrl()).isEqualTo("https://8.8.8.8/owner/repo");
        assertThat(strict.check("https://[2606:4700::1111]/repo").transportUrl())
                .isEqualTo("https://[2606:4700::1111]/repo");
        assertThat(strict.check("https://v6.example/repo").transportUrl()).isEqualTo("https://v6.example/repo");
        assertThat(strict.check("https://bücher.example/repo").transportUrl())
                .isEqualTo("https://xn--bcher-kva.example/repo");
    }

    @Test
    void theSameRepositoryMapsToTheSameCacheKey() {
        String key = strict.check("https://github.com/owner/repo").cacheKey();
        assertThat(strict.check("https://GITHUB.com:443/owner/repo/").cacheKey()).isEqualTo(key);
        assertThat(strict.check("https://github.com/owner/repo.git").cacheKey()).isEqualTo(key);
        assertThat(strict.check("https://github.com/owner/repo.git/").cacheKey()).isEqualTo(key);
        assertThat(strict.check("https://github.com/owner/other").cacheKey()).isNotEqualTo(key);
        assertThat(strict.check("https://github.com/owner/repo-git").cacheKey()).isNotEqualTo(key);
        assertThat(key).matches("[0-9a-f]{32}");
    }

    @ParameterizedTest
    @ValueSource(strings = {
            "https://someone:s3cret-token@github.com/owner/repo.git",
            "https://s3cret-token@github.com/owner/repo.git",
            "https://someone:s3cret@token@github.com/owner/repo.git",
            "https://someone:s3cret-token@127.0.0.1/repo.git",
            "someone:s3cret-token@github.com:owner/repo.git"})
    void refusesCredentialsInUrlsSayingHowToGiveThemAndNeverShowsThem(String source) {
        for (SourceUrlPolicy policy : new SourceUrlPolicy[] {strict, local}) {
            assertThatThrownBy(() -> policy.check(source))
                    .isInstanceOf(SourceException.class)
                    .hasMessageNotContaining("s3cret").hasMessageNotContaining("someone")
                    .hasMessageContaining("credentials are never accepted in a repository URL")
                    .hasMessageContaining("RAG_GIT_TOKEN_<HOST>");
            assertThatThrownBy(() -> policy.checkWithoutRequiringDns(source))
                    .hasMessageContaining("credentials are never accepted");
        }
    }

    @Test
    void neverShowsCredentialsOfOtherRefusedForms() {
        assertThatThrownBy(() -> local.check("http://tok:s3cret/x@github.com/repo.git"))
                .hasMessageNotContaining("s3cret");
        assertThatThrownBy(() -> strict.check("http://tok:s3cret/x@github.com/repo.git"))
                .hasMessageNotContaining("s3cret");
        assertThatThrownBy(() -> strict.check("ftp://s3cret@github.com/repo.git")).hasMessageNotContaining("s3cret");
        assertThat(SourceUrlPolicy.displayable("https://u:p@ss/w0rd@github.com/a")).isEqualTo("https://github.com/a");
    }

    @Test
    void hostNamesFollowTheDnsLimitsInOnePass() {
        String label63 = "a".repeat(63);
        assertThat(SourceUrlPolicy.hostNameProblem(label63 + ".example")).isNull();
        assertThat(SourceUrlPolicy.hostNameProblem(label63 + "a.example")).contains("at most 63");
        String longName = (label63 + ".").repeat(4) + "com"; // 259 characters
        assertThat(SourceUrlPolicy.hostNameProblem(longName)).contains("at most 253");
        assertThat(SourceUrlPolicy.hostNameProblem("a..b")).contains("empty label");
        assertThat(SourceUrlPolicy.hostNameProblem("a.b!")).contains("only letters");

        assertThatThrownBy(() -> strict.checkWithoutRequiringDns("https://" + label63 + "a.example/r.git"))
                .hasMessageContaining("a label has at most 63 characters");
        assertThatThrownBy(() -> strict.checkWithoutRequiringDns("https://" + longName + "/r.git"))
                .hasMessageContaining("longer than 253 characters");
    }

    @Test
    void aHostOfThousandsOfLabelsOrAHugeSourceIsRefusedQuickly() {
        String labels = "a.".repeat(3000) + "com"; // overflowed the stack of the old regular expression
        long start = System.nanoTime();
        for (SourceUrlPolicy policy : new SourceUrlPolicy[] {strict, local}) {
            assertThatThrownBy(() -> policy.checkWithoutRequiringDns("https://" + labels + "/r.git"))
                    .isInstanceOf(SourceException.class).hasMessageContaining("longer than");
            assertThatThrownBy(() -> policy.checkWithoutRequiringDns("https://" + "a.".repeat(1000) + "com/r.git"))
                    .isInstanceOf(SourceException.class).hasMessageContaining("longer than 253");
            assertThatThrownBy(() -> policy.check("https://" + "://".repeat(20_000)))
                    .isInstanceOf(SourceException.class).hasMessageContaining("longer than 2048 characters");
            assertThatThrownBy(() -> policy.check("a".repeat(100_000) + ":x"))
                    .isInstanceOf(SourceException.class).hasMessageContaining("longer than 2048");
        }
        assertThat(System.nanoTime() - start).isLessThan(2_000_000_000L);
        assertThat(SourceUrlPolicy.displayable("https://" + "x".repeat(100_000))).hasSize(203);
    }

    @Test
    void anAllowlistLimitsHosts() {
        SourceUrlPolicy allowlisted = new SourceUrlPolicy(false, Set.of("github.com"), RESOLVER);
        assertThat(allowlisted.check("https://github.com/owner/repo").transportUrl())
                .isEqualTo("https://github.com/owner/repo");
        assertThatThrownBy(() -> allowlisted.check("https://gitlab.com/owner/repo"))
                .hasMessageContaining("'gitlab.com' is not one of the allowed hosts [github.com]");
        assertThatThrownBy(() -> allowlisted.checkWithoutRequiringDns("https://unknown.example/owner/repo"))
                .hasMessageContaining("not one of the allowed hosts");
    }

    @Test
    void aHostThatDoesNotResolveFailsTheFetchButPassesValidation() {
        assertThat(strict.checkWithoutRequiringDns("https://unknown.example/owner/repo").transportUrl())
                .isEqualTo("https://unknown.example/owner/repo");
        assertThatThrownBy(() -> strict.check("https://unknown.example/owner/repo"))
                .isInstanceOf(SourceException.class)
                .hasMessageContaining("could not resolve the host 'unknown.example'")
                .hasMessageContaining("network failure");
    }

    @Test
    void localSourcesAllowPathsFileUrlsAndLoopbackButNotPrivateNetworks() {
        assertThat(local.check("/tmp/repo.git")).isEqualTo(new SourceLocation.Local(Path.of("/tmp/repo.git")));
        assertThat(local.check("file:///tmp/some%20repo.git"))
                .isEqualTo(new SourceLocation.Local(Path.of("/tmp/some repo.git")));
        assertThat(local.check("file://localhost/tmp/repo.git"))
                .isEqualTo(new SourceLocation.Local(Path.of("/tmp/repo.git")));
        assertThat(local.check("relative/repo")).isEqualTo(
                new SourceLocation.Local(Path.of("relative/repo").toAbsolutePath().normalize()));
        assertThat(local.check("http://127.0.0.1:8080/a.git").transportUrl()).isEqualTo("http://127.0.0.1:8080/a.git");
        assertThat(local.check("https://localhost/a.git").transportUrl()).isEqualTo("https://localhost/a.git");
        assertThat(local.check("https://[::1]/a.git").transportUrl()).isEqualTo("https://[::1]/a.git");
        assertThat(local.check("git://localhost/a.git").transportUrl()).isEqualTo("git://localhost/a.git");

        assertThatThrownBy(() -> local.check("file://otherhost/tmp/repo")).hasMessageContaining("file:///path");
        assertThatThrownBy(() -> local.check("http://10.0.0.1/a.git")).hasMessageContaining("private network");
        assertThatThrownBy(() -> local.check("https://169.254.169.254/x")).hasMessageContaining("link-local");
        assertThatThrownBy(() -> local.check("https://internal.example/x")).hasMessageContaining("private network");
        assertThatThrownBy(() -> local.check("https://2130706433/x")).hasMessageContaining("unusual spelling");
        assertThatThrownBy(() -> local.check("ssh://localhost/a.git")).hasMessageContaining("ssh");
        assertThatThrownBy(() -> local.check("ext::git-remote-ext")).hasMessageContaining("remote helpers");
    }

    @Test
    void loopbackRefusalsNameTheSwitch() {
        assertThatThrownBy(() -> strict.check("https://localhost/a.git"))
                .hasMessageContaining("set RAG_ALLOW_LOCAL_SOURCES=true to allow loopback hosts");
    }

    @ParameterizedTest
    @ValueSource(strings = {"github.com", "GitHub.com", "[::ffff:8.8.8.8]"})
    void endpointsOfRedirectsAreCheckedLikeSources(String host) {
        strict.checkEndpoint("https", host, "https://" + host + "/x");
    }

    @Test
    void endpointsToPrivateHostsOrPlainHttpAreRefused() {
        assertThatThrownBy(() -> strict.checkEndpoint("https", "metadata.example", "https://metadata.example/x"))
                .hasMessageContaining("link-local");
        assertThatThrownBy(() -> strict.checkEndpoint("http", "github.com", "http://github.com/x"))
                .hasMessageContaining("not encrypted");
        assertThatThrownBy(() -> strict.checkEndpoint("https", "[::1]", "https://[::1]/x"))
                .hasMessageContaining("loopback");
        assertThatThrownBy(() -> strict.checkEndpoint("https", "unknown.example", "https://unknown.example/x"))
                .hasMessageContaining("could not resolve");
    }

    @Test
    void readsNumericHostsLikeInetAton() {
        assertThat(SourceUrlPolicy.numericIpv4("2130706433", "x")).contains(0x7f000001L);
        assertThat(SourceUrlPolicy.numericIpv4("0177.0.0.1", "x")).contains(0x7f000001L);
        assertThat(SourceUrlPolicy.numericIpv4("0x7f.0.0.1", "x")).contains(0x7f000001L);
        assertThat(SourceUrlPolicy.numericIpv4("127.1", "x")).contains(0x7f000001L);
        assertThat(SourceUrlPolicy.numericIpv4("127.0.1", "x")).contains(0x7f000001L);
        assertThat(SourceUrlPolicy.numericIpv4("0x", "x")).contains(0L);
        assertThat(SourceUrlPolicy.numericIpv4("github.com", "x")).isEmpty();
        assertThat(SourceUrlPolicy.numericIpv4("1e100.net", "x")).isEmpty();
        assertThatThrownBy(() -> SourceUrlPolicy.numericIpv4("4294967296", "x")).isInstanceOf(SourceException.class);
        assertThatThrownBy(() -> SourceUrlPolicy.numericIpv4("1.256.1", "x")).isInstanceOf(SourceException.class);
        assertThatThrownBy(() -> SourceUrlPolicy.numericIpv4("0x1ffffffff", "x")).isInstanceOf(SourceException.class);
    }
}
