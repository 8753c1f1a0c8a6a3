package io.feedbackhub.testing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import com.segment.analytics.Analytics;
import com.segment.analytics.Callback;
import com.segment.analytics.messages.Message;
import com.segment.analytics.messages.MessageBuilder;

/** Segment's own Java client (analytics-java), pointed at the relay. */
public final class SegmentClient {

    private SegmentClient() {
    }

    /** Sends the messages and waits until the client has reported on each; every one must have succeeded. */
    @SuppressWarnings({ "rawtypes", "unchecked" })
    public static void send(String relay, String writeKey, List<? extends MessageBuilder> messages) {
        List<Message> ok = new CopyOnWriteArrayList<>();
        List<Throwable> failed = new CopyOnWriteArrayList<>();
        Analytics analytics = Analytics.builder(writeKey).endpoint(relay).flushQueueSize(10).callback(new Callback() {
            @Override
            public void success(Message message) {
                ok.add(message);
            }

            @Override
            public void failure(Message message, Throwable throwable) {
                failed.add(throwable);
            }
        }).build();
        messages.forEach(analytics::enqueue);
        analytics.flush();
        await().atMost(Duration.ofSeconds(30)).until(() -> ok.size() + failed.size() == messages.size());
        analytics.shutdown();
        assertThat(failed).isEmpty();
    }
}
