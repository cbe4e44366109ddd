package dev.reporag.cli;

import picocli.CommandLine;

import java.io.IOException;
import java.io.InputStream;
import java.util.Properties;

/** The version Maven wrote into the jar. */
final class VersionProvider implements CommandLine.IVersionProvider {
    @Override
    public String[] getVersion() throws IOException {
        Properties properties = new Properties();
        try (InputStream in = VersionProvider.class.getResourceAsStream("/rag-version.properties")) {
            if (in != null) {
                properties.load(in);
            }
        }
        return new String[]{"repo-rag " + properties.getProperty("version", "unknown"),
                "Java " + System.getProperty("java.version")};
    }
}
