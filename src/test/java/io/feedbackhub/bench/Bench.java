package io.feedbackhub.bench;

/** How every bench main ends: its figures, or what made them meaningless, and an exit code. */
final class Bench {

    interface Body {
        void run() throws Exception;
    }

    private Bench() {
    }

    static void main(Body bench) {
        // the fakes' JDK HttpServer writes headers and body apart; with Nagle on, each answer waits
        // ~40 ms for the client's delayed ACK, which would make the fake, not the hub, the bottleneck
        if (System.getProperty("sun.net.httpserver.nodelay") == null) {
            System.setProperty("sun.net.httpserver.nodelay", "true");
        }
        int exit = 0;
        try {
            bench.run();
        } catch (BenchFailure e) {
            System.err.println();
            System.err.println("BENCH FAILED: " + e.getMessage());
            exit = 1;
        } catch (Throwable e) {
            System.err.println();
            System.err.print("BENCH FAILED: ");
            e.printStackTrace();
            exit = 1;
        }
        // the fake's HTTP executor threads are not daemons and outlive its close()
        System.exit(exit);
    }
}
