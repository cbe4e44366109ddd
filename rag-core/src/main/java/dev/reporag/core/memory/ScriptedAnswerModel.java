package dev.reporag.core.memory;

import dev.reporag.core.port.AnswerModel;
import dev.reporag.core.port.AnswerPrompt;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Function;

/** An answer model for tests: answers with a function of the prompt and records every prompt. */
public final class ScriptedAnswerModel implements AnswerModel {
    private final Function<AnswerPrompt, String> script;
    private final List<AnswerPrompt> prompts = new CopyOnWriteArrayList<>();

    public ScriptedAnswerModel(Function<AnswerPrompt, String> script) {
        this.script = script;
    }

    /** Always answers {@code text}. */
    public static ScriptedAnswerModel answering(String text) {
        return new ScriptedAnswerModel(prompt -> text);
    }

    public List<AnswerPrompt> prompts() {
        return List.copyOf(prompts);
    }

    @Override
    public String modelId() {
        return "scripted";
    }

    @Override
    public String answer(AnswerPrompt prompt) {
        prompts.add(prompt);
        return script.apply(prompt);
    }
}
