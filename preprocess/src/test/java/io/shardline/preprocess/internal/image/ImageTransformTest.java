package io.shardline.preprocess.internal.image;

import static io.shardline.localstack.SyntheticImages.encode;
import static io.shardline.localstack.SyntheticImages.photo;
import static io.shardline.localstack.SyntheticImages.pngDeclaring;
import static io.shardline.localstack.SyntheticImages.withOrientation;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.shardline.preprocess.FilterReason;
import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.time.Duration;
import java.util.Arrays;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;

class ImageTransformTest {

    static final ImageTransform DEFAULTS =
            new ImageTransform(64_000_000L, Duration.ofSeconds(5), 256, false, ImageTransform.Output.JPEG, 90);

    @Test
    void headersGiveDimensionsWithoutDecoding() throws Exception {
        assertThat(ImageHeader.read(encode(photo(300, 200, 1), "png"))).isEqualTo(new ImageHeader(300, 200, 1));
        assertThat(ImageHeader.read(encode(photo(300, 200, 1), "jpeg"))).isEqualTo(new ImageHeader(300, 200, 1));
        ImageHeader rotated = ImageHeader.read(withOrientation(encode(photo(300, 200, 1), "jpeg"), 6));
        assertThat(rotated.orientation()).isEqualTo(6);
        assertThat(rotated.orientedWidth()).isEqualTo(200);
        assertThat(ImageHeader.read(pngDeclaring(100_000, 100_000)).pixels()).isEqualTo(10_000_000_000L);
        assertThatThrownBy(() -> ImageHeader.read("GIF89a....".getBytes())).isInstanceOf(ImageHeader.Unreadable.class);
        assertThatThrownBy(() -> ImageHeader.read(new byte[] {(byte) 0xff, (byte) 0xd8, (byte) 0xff, (byte) 0xe0, 0x10}))
                .isInstanceOf(ImageHeader.Unreadable.class);
    }

    @Test
    void aHugeDeclaredImageIsRefusedBeforeDecoding() throws Exception {
        byte[] bomb = pngDeclaring(100_000, 100_000);
        assertThat(bomb.length).isLessThan(100);
        assertThatThrownBy(() -> DEFAULTS.apply(bomb))
                .isInstanceOfSatisfying(ImageTransform.Refused.class, r -> assertThat(r.reason()).isEqualTo(FilterReason.IMAGE_TOO_MANY_PIXELS));
    }

    @Test
    void truncatedAndCorruptImagesAreRefused() throws Exception {
        byte[] jpeg = encode(photo(400, 300, 2), "jpeg");
        byte[] truncated = Arrays.copyOf(jpeg, jpeg.length / 2);
        assertThatThrownBy(() -> DEFAULTS.apply(truncated))
                .isInstanceOfSatisfying(ImageTransform.Refused.class, r -> assertThat(r.reason()).isEqualTo(FilterReason.IMAGE_UNDECODABLE));
        byte[] png = encode(photo(400, 300, 2), "png");
        byte[] garbled = png.clone();
        for (int i = 60; i < garbled.length - 20; i += 7) {
            garbled[i] ^= 0x5a;
        }
        assertThatThrownBy(() -> DEFAULTS.apply(garbled)).isInstanceOf(ImageTransform.Refused.class);
    }

    @Test
    void aDecodeOverItsTimeBoundIsAborted() throws Exception {
        ImageTransform hurried = new ImageTransform(64_000_000L, Duration.ZERO, 256, false, ImageTransform.Output.JPEG, 90);
        byte[] big = encode(photo(2000, 1500, 3), "jpeg");
        assertThatThrownBy(() -> hurried.apply(big))
                .isInstanceOfSatisfying(ImageTransform.Refused.class, r -> assertThat(r.reason()).isEqualTo(FilterReason.IMAGE_DECODE_TIMEOUT));
    }

    @Test
    void resizesTheShorterSideAndReencodes() throws Exception {
        ImageTransform.Result r = DEFAULTS.apply(encode(photo(1200, 800, 4), "png"));
        assertThat(r.format()).isEqualTo("image/jpeg");
        assertThat(r.width()).isEqualTo(384);
        assertThat(r.height()).isEqualTo(256);
        assertThat(r.originalWidth()).isEqualTo(1200);
        BufferedImage decoded = ImageIO.read(new ByteArrayInputStream(r.data()));
        assertThat(decoded.getWidth()).isEqualTo(384);
        assertThat(decoded.getHeight()).isEqualTo(256);
        // Smaller images keep their size.
        assertThat(DEFAULTS.apply(encode(photo(120, 90, 4), "png")).width()).isEqualTo(120);
    }

    @Test
    void cropsTheCentreAndWritesRawPixels() throws Exception {
        ImageTransform raw = new ImageTransform(64_000_000L, Duration.ofSeconds(5), 64, true, ImageTransform.Output.RAW_RGB, 90);
        BufferedImage img = new BufferedImage(200, 100, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = img.createGraphics();
        g.setColor(Color.RED);
        g.fillRect(0, 0, 200, 100);
        g.setColor(Color.BLUE);
        g.fillRect(50, 0, 100, 100); // the centre square is blue
        g.dispose();
        ImageTransform.Result r = raw.apply(encode(img, "png"));
        assertThat(r.format()).isEqualTo("raw/rgb8");
        assertThat(r.width()).isEqualTo(64);
        assertThat(r.height()).isEqualTo(64);
        assertThat(r.data()).hasSize(64 * 64 * 3);
        int mid = (32 * 64 + 32) * 3;
        assertThat(r.data()[mid] & 0xff).isLessThan(20);
        assertThat(r.data()[mid + 2] & 0xff).isGreaterThan(235);
    }

    @Test
    void orientationsPutEachPixelWhereExifSays() {
        // A 3 x 2 image with every pixel distinct; for each orientation, where does stored pixel (0, 0) go?
        BufferedImage img = new BufferedImage(3, 2, BufferedImage.TYPE_INT_RGB);
        for (int y = 0; y < 2; y++) {
            for (int x = 0; x < 3; x++) {
                img.setRGB(x, y, y * 3 + x + 1);
            }
        }
        int[][] expected = {
            {}, {}, // 0 unused, 1 unchanged
            {3, 2, 1, 6, 5, 4},          // 2: mirrored horizontally
            {6, 5, 4, 3, 2, 1},          // 3: 180 degrees
            {4, 5, 6, 1, 2, 3},          // 4: mirrored vertically
            {1, 4, 2, 5, 3, 6},          // 5: transposed
            {4, 1, 5, 2, 6, 3},          // 6: turned 90 degrees clockwise
            {6, 3, 5, 2, 4, 1},          // 7: transversed
            {3, 6, 2, 5, 1, 4},          // 8: turned 90 degrees anticlockwise
        };
        for (int o = 2; o <= 8; o++) {
            BufferedImage out = ImageTransform.orient(img, o);
            int[] px = out.getRGB(0, 0, out.getWidth(), out.getHeight(), null, 0, out.getWidth());
            for (int i = 0; i < px.length; i++) {
                px[i] &= 0xffffff;
            }
            assertThat(px).as("orientation %d", o).containsExactly(expected[o]);
            assertThat(out.getWidth()).isEqualTo(o >= 5 ? 2 : 3);
        }
    }

    @Test
    void orientationIsAppliedFromExif() throws Exception {
        byte[] rotated = withOrientation(encode(photo(300, 200, 5), "jpeg"), 6);
        ImageTransform.Result r = new ImageTransform(64_000_000L, Duration.ofSeconds(5), 0, false, ImageTransform.Output.JPEG, 90)
                .apply(rotated);
        assertThat(r.width()).isEqualTo(200);
        assertThat(r.height()).isEqualTo(300);
    }

    @Test
    void differenceHashesMatchForTheSameImageAndDifferForOthers() throws Exception {
        BufferedImage a = photo(640, 480, 6);
        long original = DEFAULTS.apply(encode(a, "png")).dhash();
        long recompressed = DEFAULTS.apply(encode(a, "jpeg")).dhash();
        long other = DEFAULTS.apply(encode(photo(640, 480, 7), "png")).dhash();
        assertThat(Long.bitCount(original ^ recompressed)).isLessThanOrEqualTo(4);
        assertThat(Long.bitCount(original ^ other)).isGreaterThan(10);
    }

    @Test
    void transparencyIsCompositedOnWhite() throws Exception {
        BufferedImage clear = new BufferedImage(10, 10, BufferedImage.TYPE_INT_ARGB);
        ImageTransform raw = new ImageTransform(64_000_000L, Duration.ofSeconds(5), 0, false, ImageTransform.Output.RAW_RGB, 90);
        byte[] px = raw.apply(encode(clear, "png")).data();
        assertThat(px[0] & 0xff).isEqualTo(255);
        assertThat(px[1] & 0xff).isEqualTo(255);
    }
}
