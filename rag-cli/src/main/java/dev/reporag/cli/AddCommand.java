package dev.reporag.cli;

import dev.reporag.core.model.Project;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

import java.util.concurrent.Callable;

@Command(name = "add", mixinStandardHelpOptions = true,
        description = "Registers a repository without indexing it (status PENDING) and prints its id.")
final class AddCommand implements Callable<Integer> {
    @ParentCommand
    RagCommand root;
    @Spec
    CommandSpec spec;

    @Parameters(paramLabel = "REPO", description = "A repository URL, or a path on this machine.")
    String repo;
    @Option(names = "--name", description = "Project name (default: from the URL or directory).")
    String name;
    @Option(names = "--ref", description = "Branch, tag or commit (default: the default branch).")
    String ref;

    @Override
    public Integer call() {
        String source = Foreground.normalize(repo);
        Config config = root.config();
        if (Foreground.isLocal(source)) {
            config = config.withAllowLocalSources(true);
        }
        try (Wiring wiring = Wiring.open(config)) {
            Project project = Foreground.findOrRegister(wiring.rag(), source, name, ref);
            spec.commandLine().getOut().println(project.id().value());
            return ExitCodes.OK;
        }
    }
}
