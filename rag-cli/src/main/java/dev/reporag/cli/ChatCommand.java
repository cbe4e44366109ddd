package dev.reporag.cli;

import dev.reporag.core.RepoRag;
import dev.reporag.core.model.Answer;
import dev.reporag.core.model.Project;
import dev.reporag.core.port.InvalidInputException;
import dev.reporag.core.port.NotFoundException;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.Callable;

@Command(name = "chat", mixinStandardHelpOptions = true,
        description = "An interactive conversation about a READY project; follow-up questions keep their history."
                + " End with an empty line, 'exit' or Ctrl-D.")
final class ChatCommand implements Callable<Integer> {
    @ParentCommand
    RagCommand root;
    @Spec
    CommandSpec spec;

    @Option(names = "--project", paramLabel = "NAME|ID", required = true, description = "An indexed project.")
    String projectName;

    @Override
    public Integer call() throws Exception {
        try (Wiring wiring = Wiring.open(root.config())) {
            RepoRag rag = wiring.rag();
            Project project = rag.findProject(projectName)
                    .orElseThrow(() -> new NotFoundException("no project with id or name '" + projectName + "'"));
            PrintWriter out = spec.commandLine().getOut();
            BufferedReader in = new BufferedReader(new InputStreamReader(root.in(), StandardCharsets.UTF_8));
            out.println("Chatting about " + TerminalText.line(project.name()) + (rag.hasChatModel() ? ""
                    : " (no chat model configured: answers are the most relevant passages)") + ".");
            String conversation = null;
            while (true) {
                out.print("> ");
                out.flush();
                String line = in.readLine();
                if (line == null || line.isBlank() || line.strip().equals("exit")) {
                    out.println();
                    return ExitCodes.OK;
                }
                try {
                    Answer answer = rag.ask(project.id(), line, conversation);
                    conversation = answer.conversationId();
                    AskCommand.print(out, answer);
                } catch (InvalidInputException e) {
                    out.println("error: " + TerminalText.line(e.getMessage()));
                }
                out.println();
            }
        }
    }
}
