package dev.reporag.cli;

import dev.reporag.core.model.Project;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Mixin;
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

    @Mixin
    RepoOptions target;

    @Override
    public Integer call() {
        try (Wiring wiring = Wiring.openSendingNothing(RepoOptions.allowingLocal(root.config(), target.repo))) {
            Project project = target.registerOrFind(wiring.rag());
            if (target.name != null && !target.name.strip().equals(project.name())) {
                spec.commandLine().getErr().println("this source is already registered, as '" + project.name() + "'");
            }
            spec.commandLine().getOut().println(project.id().value());
            return ExitCodes.OK;
        }
    }
}
