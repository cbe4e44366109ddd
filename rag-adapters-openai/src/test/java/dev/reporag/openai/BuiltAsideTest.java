package dev.reporag.openai;

import org.junit.jupiter.api.Test;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class BuiltAsideTest {
    @Test
    void nothingIsBuiltUntilWorkIsComing() throws Exception {
        AtomicInteger builds = new AtomicInteger();
        BuiltAside<String> client = new BuiltAside<>("test-client", () -> "client " + builds.incrementAndGet());
        Thread.sleep(50);
        assertThat(builds).hasValue(0);
        assertThat(client.started()).isFalse();

        assertThat(client.get()).as("a first use builds it").isEqualTo("client 1");
        client.start();
        assertThat(client.get()).isEqualTo("client 1");
        assertThat(builds).as("once").hasValue(1);
    }

    @Test
    void startedTheClientIsBuiltOnItsOwnThreadWhileTheCallerGoesOn() {
        CountDownLatch release = new CountDownLatch(1);
        AtomicReference<String> builtOn = new AtomicReference<>();
        BuiltAside<String> client = new BuiltAside<>("test-client", () -> {
            builtOn.set(Thread.currentThread().getName());
            try {
                release.await(10, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            return "client";
        });
        client.start();
        // start returned while the build is still held: the caller did not wait for it.
        assertThat(release.getCount()).isEqualTo(1);
        assertThat(client.started()).isTrue();
        release.countDown();
        assertThat(client.get()).isEqualTo("client");
        assertThat(builtOn.get()).isEqualTo("test-client");
    }

    @Test
    void whatTheBuildThrewIsThrownOnUseAsItWas() {
        IllegalArgumentException failure = new IllegalArgumentException("bad base URL");
        BuiltAside<String> client = new BuiltAside<>("test-client", () -> {
            throw failure;
        });
        client.start();
        assertThatThrownBy(client::get).isSameAs(failure);
        assertThatThrownBy(client::get).as("every use, not only the first").isSameAs(failure);
    }
}
