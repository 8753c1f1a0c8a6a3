package io.feedbackhub.testing;

/** The SFTP server of {@link WinningtempSftpServer}, the hub given an absolute inbox outside the login's home. */
public class WinningtempSftpServerWithAbsoluteInbox extends WinningtempSftpServer {

    public static final String INBOX = "/upload/winningtemp";

    @Override
    protected String directory() {
        return INBOX;
    }
}
