package dev.reporag.cli;

import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

import java.util.concurrent.Callable;

@Command(name = "migrate", mixinStandardHelpOptions = true,
        description = "Applies database migrations (PostgreSQL). The embedded store needs none.")
final class MigrateCommand implements Callable<Integer> {
    @ParentCommand
    RagCommand root;
    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        try (Wiring wiring = Wiring.openSendingNothing(root.config())) {
            var out = spec.commandLine().getOut();
            out.println(wiring.migrate());
            return ExitCodes.OK;
        }
    }
}
