package com.sikkerapi.guard.feed;

import java.io.IOException;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Flow;

/**
 * Streams a response body to a file and gives up, cancelling the download, as soon as it passes a size cap: a feed
 * that is too large is refused, never truncated, and memory stays flat whatever the server sends.
 */
final class LimitedFileBody implements HttpResponse.BodySubscriber<Path> {
    /** The body passed the cap. */
    static final class TooLargeException extends IOException {
        TooLargeException(long limit) {
            super("response larger than " + limit + " bytes");
        }
    }

    private final Path file;
    private final long limit;
    private final CompletableFuture<Path> result = new CompletableFuture<>();
    private FileChannel channel;
    private Flow.Subscription subscription;
    private long written;

    LimitedFileBody(Path file, long limit) {
        this.file = file;
        this.limit = limit;
    }

    static HttpResponse.BodyHandler<Path> handler(Path file, long limit) {
        return info -> new LimitedFileBody(file, limit);
    }

    @Override
    public void onSubscribe(Flow.Subscription subscription) {
        this.subscription = subscription;
        try {
            channel = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                    StandardOpenOption.TRUNCATE_EXISTING);
            subscription.request(1);
        } catch (IOException e) {
            subscription.cancel();
            result.completeExceptionally(e);
        }
    }

    @Override
    public void onNext(List<ByteBuffer> buffers) {
        try {
            for (ByteBuffer buffer : buffers) {
                written += buffer.remaining();
                if (written > limit) {
                    throw new TooLargeException(limit);
                }
                while (buffer.hasRemaining()) {
                    channel.write(buffer);
                }
            }
            subscription.request(1);
        } catch (IOException e) {
            subscription.cancel();
            close();
            result.completeExceptionally(e);
        }
    }

    @Override
    public void onError(Throwable error) {
        // A reset connection or a body shorter than its Content-Length ends here: a failed pull, not a short list.
        close();
        result.completeExceptionally(error);
    }

    @Override
    public void onComplete() {
        try {
            channel.force(false);
            channel.close();
            result.complete(file);
        } catch (IOException e) {
            result.completeExceptionally(e);
        }
    }

    private void close() {
        try {
            if (channel != null) {
                channel.close();
            }
        } catch (IOException ignored) {
            // The download failed already; the partial file is discarded by the caller.
        }
    }

    @Override
    public CompletionStage<Path> getBody() {
        return result;
    }
}
