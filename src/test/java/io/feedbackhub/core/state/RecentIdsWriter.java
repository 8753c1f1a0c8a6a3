package io.feedbackhub.core.state;

import java.io.File;
import java.util.UUID;

/** A process that remembers new ids as fast as it can and says each one once it is remembered; killed by a test. */
public final class RecentIdsWriter {

    private RecentIdsWriter() {
    }

    public static void main(String[] args) throws Exception {
        RecentIds ids = new RecentIds(new File(args[0]), Integer.parseInt(args[1]));
        ids.start();
        while (true) {
            String id = UUID.randomUUID().toString();
            ids.add(id);
            ids.confirm(id);
            System.out.println(id);
        }
    }
}
