package io.feedbackhub.testing;

import java.util.HashMap;
import java.util.Map;

/** The SFTP server of {@link WinningtempSftpServer}, with done files and quarantine of bad rows switched on. */
public class WinningtempSftpServerWithDoneFiles extends WinningtempSftpServer {

    @Override
    public Map<String, String> start() {
        Map<String, String> config = new HashMap<>(super.start());
        config.put("hub.winningtemp.done-file", ".done");
        config.put("hub.winningtemp.quarantine-bad-rows", "true");
        return config;
    }
}
