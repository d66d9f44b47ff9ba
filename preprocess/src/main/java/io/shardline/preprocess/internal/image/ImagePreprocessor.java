package io.shardline.preprocess.internal.image;

import io.shardline.format.Modality;
import io.shardline.ingest.ImageSample;
import io.shardline.preprocess.FilteredSample;
import io.shardline.preprocess.Preprocessing;
import io.shardline.preprocess.internal.PreprocessMetrics;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.streaming.api.functions.ProcessFunction;
import org.apache.flink.util.Collector;

/**
 * Applies {@link ImageTransform} to each image. A refused image (above the pixel cap, undecodable, or too
 * slow to decode) is dropped and counted by reason, and kept for audit when asked. Stateless and
 * deterministic per record.
 */
public final class ImagePreprocessor extends ProcessFunction<ImageSample, ImageSample> {

    private static final long serialVersionUID = 1L;

    private final ImageTransform transform;
    private final boolean keepFiltered;
    private transient PreprocessMetrics metrics;

    public ImagePreprocessor(ImageTransform transform, boolean keepFiltered) {
        this.transform = transform;
        this.keepFiltered = keepFiltered;
    }

    @Override
    public void open(OpenContext context) {
        // No disk cache for decoding from memory: ImageIO would otherwise write temporary files per image.
        javax.imageio.ImageIO.setUseCache(false);
        metrics = new PreprocessMetrics(getRuntimeContext().getMetricGroup(), Modality.IMAGE);
    }

    @Override
    public void processElement(ImageSample in, Context ctx, Collector<ImageSample> out) {
        try {
            ImageTransform.Result r = transform.apply(in.data());
            out.collect(in.processed(r.data(), r.format(), r.width(), r.height(), r.originalWidth(), r.originalHeight(), r.dhash()));
        } catch (ImageTransform.Refused refused) {
            metrics.filtered(refused.reason());
            if (keepFiltered) {
                ctx.output(Preprocessing.FILTERED, FilteredSample.of(in, refused.reason().code()));
            }
        }
    }
}
