package dev.reporag.core.policy;

import dev.reporag.core.model.SkipReason;
import dev.reporag.core.model.SourceFile;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** Public for its sample notebook, which the ingestion tests use too. */
public class NotebooksTest {
    /** A notebook as Jupyter writes it: a markdown cell, a code cell with a plot and a printed line. */
    public static String notebook(String imageBase64) {
        return """
                {
                 "cells": [
                  {
                   "cell_type": "markdown",
                   "metadata": {},
                   "source": [
                    "# Churn model\\n",
                    "We fit a \\"gradient boosting\\" model \\u2014 see below."
                   ]
                  },
                  {
                   "cell_type": "code",
                   "execution_count": 3,
                   "metadata": {},
                   "outputs": [
                    {
                     "name": "stdout",
                     "output_type": "stream",
                     "text": [
                      "accuracy 0.91\\n"
                     ]
                    },
                    {
                     "data": {
                      "image/png": "%s",
                      "text/plain": [
                       "<Figure size 640x480 with 1 Axes>"
                      ]
                     },
                     "metadata": {},
                     "output_type": "display_data"
                    }
                   ],
                   "source": [
                    "def train(frame):\\n",
                    "\\tmodel = GradientBoostingClassifier()\\n",
                    "    return model.fit(frame[\\"x\\"], frame[\\"y\\"])"
                   ]
                  },
                  {
                   "cell_type": "code",
                   "execution_count": null,
                   "metadata": {},
                   "outputs": [],
                   "source": []
                  }
                 ],
                 "metadata": {
                  "kernelspec": {
                   "display_name": "Python 3",
                   "language": "python",
                   "name": "python3"
                  }
                 },
                 "nbformat": 4,
                 "nbformat_minor": 5
                }
                """.formatted(imageBase64);
    }

    @Test
    void theCellsSourcesAreKeptLineForLineAndTheOutputsLeftOut() {
        Notebooks.Cells cells = Notebooks.cells(notebook("iVBORw0KGgo="));

        assertThat(cells.text()).isEqualTo("""
                # Churn model
                We fit a "gradient boosting" model \u2014 see below.

                def train(frame):
                \tmodel = GradientBoostingClassifier()
                    return model.fit(frame["x"], frame["y"])
                """);
        // Each line's line in the file: the cells' source lines, a blank line at the next cell's "source";
        // the empty third cell adds nothing.
        assertThat(cells.fileLines()).containsExactly(7, 8, 34, 35, 36, 37);
        assertThat(cells.language()).as("the kernel's").isEqualTo("python");
        List<String> file = notebook("iVBORw0KGgo=").lines().toList();
        assertThat(file.get(35 - 1)).contains("def train(frame)");
        assertThat(file.get(37 - 1)).contains("return model.fit");
    }

    @Test
    void aNotebookOfMostlyOutputsIsIndexedByItsCellsWithTheFilesLines() {
        String image = "iVBORw0KGgo".repeat(30_000); // a 330 KB plot, on one line
        byte[] content = notebook(image).getBytes(StandardCharsets.UTF_8);
        FileFilter filter = FileFilter.defaults();
        SourceFile file = SourceFile.regular("analysis/churn.ipynb", content.length, "b1");

        assertThat(filter.checkPath(file)).isEmpty();
        FileFilter.Decoded decoded = filter.decode(file, content);

        assertThat(decoded.text()).contains("def train(frame):").doesNotContain("iVBOR").doesNotContain("accuracy 0.91");
        assertThat(decoded.fileLine(4)).isEqualTo(35);
        assertThat(decoded.fileLine(1)).isEqualTo(7);
    }

    @Test
    void aNotebookNotLaidOutAsJupyterWritesItIsAnyJsonFile() {
        FileFilter filter = FileFilter.defaults();
        String oneLine = "{\"cells\":[{\"cell_type\":\"code\",\"source\":[\"x = 1\"],\"outputs\":[]}],\"nbformat\":4}";
        SourceFile small = SourceFile.regular("a.ipynb", oneLine.length(), "b2");
        assertThat(Notebooks.cells(oneLine)).isNull();
        assertThat(filter.decode(small, oneLine.getBytes(StandardCharsets.UTF_8)).text()).isEqualTo(oneLine);

        String minified = "{\"cells\":[{\"outputs\":[{\"data\":{\"image/png\":\"" + "A".repeat(80_000) + "\"}}]}]}";
        SourceFile large = SourceFile.regular("b.ipynb", minified.length(), "b3");
        assertThat(filter.decode(large, minified.getBytes(StandardCharsets.UTF_8)).skipped().reason())
                .isEqualTo(SkipReason.TOO_LARGE);
        // Over the 2 MB a notebook may have, it is not read at all.
        assertThat(filter.checkPath(SourceFile.regular("c.ipynb", 3 * 1024 * 1024, "b4")).orElseThrow().reason())
                .isEqualTo(SkipReason.TOO_LARGE);
    }

    @Test
    void aSourceGivenAsOneStringStaysOnItsLine() {
        String json = """
                {
                 "cells": [
                  {
                   "cell_type": "code",
                   "source": "import os\\nprint(os.getcwd())",
                   "outputs": []
                  }
                 ]
                }
                """;
        Notebooks.Cells cells = Notebooks.cells(json);

        assertThat(cells.language()).as("no kernel named").isNull();
        assertThat(cells.text()).isEqualTo("import os print(os.getcwd())\n");
        assertThat(cells.fileLines()).containsExactly(5);
    }

    @Test
    void aNotebookWithoutCellsIsEmpty() {
        String untitled = "{\n \"cells\": [],\n \"metadata\": {},\n \"nbformat\": 4,\n \"nbformat_minor\": 5\n}\n";
        SourceFile file = SourceFile.regular("notebooks/Untitled.ipynb", untitled.length(), "b5");

        assertThat(FileFilter.defaults().decode(file, untitled.getBytes(StandardCharsets.UTF_8)).skipped().reason())
                .isEqualTo(SkipReason.EMPTY);
    }

    @Test
    void aLongSourceLineIsReadWithoutRecursion() {
        // An image pasted into a markdown cell is one source line; 10,000 characters overflowed a
        // regular expression's stack.
        String image = "![plot](data:image/png;base64," + "iVBORw0KGgo".repeat(40_000) + ")";
        String json = "{\n \"cells\": [\n  {\n   \"cell_type\": \"markdown\",\n   \"source\": [\n    \"# Result\\n\",\n"
                + "    \"" + image + "\"\n   ]\n  },\n  {\n   \"cell_type\": \"code\",\n   \"source\": \"" + image + "\",\n"
                + "   \"outputs\": []\n  }\n ]\n}\n";

        Notebooks.Cells cells = Notebooks.cells(json);

        assertThat(cells.text()).startsWith("# Result\n![plot](data:image/png;base64,iVBOR").hasSize(3 + 9 + 2 * image.length());
        assertThat(cells.fileLines()).containsExactly(6, 7, 12, 12);
    }

    @Test
    void jsonStringsAsTheyAreEscaped() {
        assertThat(Notebooks.stringToken("\"a\\\"b\",")).isEqualTo("a\\\"b");
        assertThat(Notebooks.stringToken("\"ends in a backslash\\\\\"")).isEqualTo("ends in a backslash\\\\");
        assertThat(Notebooks.stringToken("\"escaped quote at the end\\\"")).isNull();
        assertThat(Notebooks.stringToken("\"two\" \"strings\"")).isNull();
        assertThat(Notebooks.stringToken("{\"odd\": 1}")).isNull();
    }

    @Test
    void anUnfinishedSourceIsNotACell() {
        assertThat(Notebooks.cells("{\n \"cells\": [\n  {\n   \"source\": [\n    \"x = 1\\n\",\n")).isNull();
        assertThat(Notebooks.cells("{\n \"cells\": [\n  {\n   \"source\": [\n    {\"odd\": 1}\n   ]\n")).isNull();
    }
}
