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
 * deterministic per record (for a given codec: see {@link ImageTransform}); the codec in use is the gauge
 * {@value #NATIVE_CODEC}.
 */
public final class ImagePreprocessor extends ProcessFunction<ImageSample, ImageSample> {

    private static final long serialVersionUID = 1L;

    /**
     * Gauge under the {@code shardline} group, {@code modality="image"}: 1 when JPEGs are decoded and images
     * encoded with libjpeg-turbo, 0 when ImageIO does it all (library missing, or the codec set to IMAGEIO).
     */
    public static final String NATIVE_CODEC = "image_native_codec";

    /** Gauge beside {@value #NATIVE_CODEC}: 1 when PNGs are decoded with libspng, 0 when ImageIO decodes them. */
    public static final String NATIVE_PNG = "image_native_png";

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
        // Which codec this operator uses (loading the library logs it once per JVM): 1 libjpeg-turbo, 0 ImageIO.
        int nativeCodec = transform.usesNativeCodec() ? 1 : 0;
        int nativePng = transform.usesNativePng() ? 1 : 0;
        var group = getRuntimeContext().getMetricGroup().addGroup(PreprocessMetrics.GROUP)
                .addGroup(PreprocessMetrics.MODALITY_LABEL, Modality.IMAGE.id());
        group.gauge(NATIVE_CODEC, (org.apache.flink.metrics.Gauge<Integer>) () -> nativeCodec);
        group.gauge(NATIVE_PNG, (org.apache.flink.metrics.Gauge<Integer>) () -> nativePng);
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
