package dev.reporag.cli;

/** Configuration that cannot work; reported as one line and exit code 3. */
final class ConfigException extends RuntimeException {
    ConfigException(String message) {
        super(message);
    }
}
