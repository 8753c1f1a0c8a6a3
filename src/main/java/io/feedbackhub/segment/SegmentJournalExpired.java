package io.feedbackhub.segment;

import java.io.File;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.inject.Named;

import org.apache.camel.component.file.GenericFile;
import org.apache.camel.component.file.GenericFileFilter;

/** Picks the delivered journal files older than {@code hub.segment.journal-retention}, for deletion. */
@ApplicationScoped
@Named("segmentJournalExpired")
public class SegmentJournalExpired implements GenericFileFilter<File> {

    @Inject
    SegmentConfig config;

    @Override
    public boolean accept(GenericFile<File> file) {
        return file.isDirectory() || file.getLastModified() < System.currentTimeMillis() - config.journalRetention().toMillis();
    }
}
