package dev.reporag.openai;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ResponseOrderTest {
    @Test
    void eachListedVectorGoesToTheInputItsIndexNames() {
        String body = "{\"object\":\"list\",\"model\":\"m\",\"data\":[{\"object\":\"embedding\",\"embedding\":\"AAAA\","
                + "\"index\":2},{\"index\":0,\"embedding\":[0.5,{\"index\":9}]},{\"index\":1,\"extra\":{\"index\":7}}],"
                + "\"usage\":{\"prompt_tokens\":3,\"index\":5}}";
        assertThat(ResponseOrder.inputs(body, 3)).containsExactly(2, 0, 1);
    }

    @Test
    void withoutIndexesTheListedOrderIsTheInputsOrder() {
        assertThat(ResponseOrder.inputs("{\"data\":[{\"embedding\":[1]},{\"embedding\":[2]}]}", 2)).containsExactly(0, 1);
        assertThat(ResponseOrder.inputs(null, 2)).containsExactly(0, 1);
        assertThat(ResponseOrder.inputs("not json", 2)).containsExactly(0, 1);
    }

    @Test
    void indexesThatAreNotEachInputOnceAreRefused() {
        assertThatThrownBy(() -> ResponseOrder.inputs("{\"data\":[{\"index\":0},{\"index\":0}]}", 2))
                .isInstanceOf(IllegalArgumentException.class).hasMessage("vector indexes are not 0 to 1 once each");
        assertThatThrownBy(() -> ResponseOrder.inputs("{\"data\":[{\"index\":0},{\"index\":2}]}", 2))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> ResponseOrder.inputs("{\"data\":[{\"index\":-1},{\"index\":0}]}", 2))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
