package io.feedbackhub.winningtemp;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

/** The {@code winningtemp} connector's keys: where the snapshot files are and how to read them. */
@ConfigMapping(prefix = "hub.winningtemp")
public interface WinningtempConfig {

    @WithDefault("false")
    boolean enabled();

    Sftp sftp();

    Files files();

    /** The header name of each field of the users file (the columns may come in any order). */
    Users users();

    Groups groups();

    Segments segments();

    /** A header column no field is configured for: {@code false} refuses the file, {@code true} skips the column. */
    @WithDefault("false")
    boolean ignoreUnknownColumns();

    /** Separates the values of a multi-value cell (group member, group admin, segment). */
    @WithDefault(",")
    String listSeparator();

    /** java.time pattern of Birthday, EmployedSince, EmployedUntil. */
    @WithDefault("yyyy-MM-dd")
    String dateFormat();

    /** The Status values a users file may use. */
    @WithDefault("Active,Inactive")
    List<String> statuses();

    /** Drop and report bad rows instead of rejecting the file. */
    @WithDefault("false")
    boolean quarantineBadRows();

    /** A snapshot removing more than this share of an entity's managed rows is held. */
    @WithDefault("15")
    int maxRemovalPercent();

    /** Apply snapshots beyond the removal guard (set it for one deliberate drop, then unset it). */
    @WithDefault("false")
    boolean confirmRemovals();

    /** With a done file, a data file is taken only once its done file exists; e.g. {@code .done} for wt_users.csv.done. */
    Optional<String> doneFile();

    /** Without a done file, a data file must be unchanged for this long before it is taken. */
    @WithDefault("60s")
    Duration minAge();

    /** The longest value a cell may hold. */
    @WithDefault("1000")
    int maxFieldLength();

    interface Sftp {
        Optional<String> host();

        @WithDefault("22")
        int port();

        Optional<String> username();

        Optional<Path> privateKeyFile();

        Optional<String> privateKeyPassphrase();

        Optional<Path> knownHostsFile();

        /** The inbox, relative to the SFTP user's home; archive/ and error/ are made inside it. */
        @WithDefault(".")
        String directory();
    }

    interface Files {
        @WithDefault("wt_users.csv")
        String users();

        @WithDefault("wt_groups.csv")
        String groups();

        @WithDefault("wt_segments.csv")
        String segments();
    }

    interface Users {
        UserColumns columns();
    }

    /** Defaults: Winningtemp's documented user header. */
    interface UserColumns {
        @WithDefault("Unique ID")
        String id();

        @WithDefault("Firstname")
        String firstName();

        @WithDefault("Lastname")
        String lastName();

        @WithDefault("Username")
        String username();

        @WithDefault("Email")
        String email();

        @WithDefault("Phone")
        String phone();

        @WithDefault("Title")
        String title();

        @WithDefault("Birthday")
        String birthday();

        @WithDefault("EmployedSince")
        String employedSince();

        @WithDefault("EmployedUntil")
        String employedUntil();

        @WithDefault("Gender")
        String gender();

        @WithDefault("Group member")
        String groups();

        @WithDefault("Group admin")
        String adminOf();

        @WithDefault("Segment")
        String segments();

        @WithDefault("Status")
        String status();

        @WithDefault("Language")
        String language();
    }

    interface Groups {
        GroupColumns columns();
    }

    /** Defaults: Winningtemp's own example, {@code Group name;GroupID;Parent groupID}. */
    interface GroupColumns {
        @WithDefault("GroupID")
        String id();

        @WithDefault("Group name")
        String name();

        @WithDefault("Parent groupID")
        String parentId();
    }

    interface Segments {
        SegmentColumns columns();
    }

    /** Defaults: Winningtemp's own example, {@code SegmentName;SegmentID}. */
    interface SegmentColumns {
        @WithDefault("SegmentID")
        String id();

        @WithDefault("SegmentName")
        String name();
    }
}
