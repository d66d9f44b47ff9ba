package io.shardline.feeder;

import io.shardline.testkit.ShardFixtures;
import io.shardline.format.DatasetManifest;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Writes the datasets the Python client's tests read, so that those tests start a real feeder process on
 * datasets laid out exactly as the shard writer lays them out. Run with {@code <root>}; prints one line per
 * dataset: {@code name=root-URI}, ready for {@code shardline.feeder.datasets}.
 *
 * <ul>
 *   <li>{@code images}: 12 shards of 40 rows, 2 KB pseudo-random "images" whose first bytes are the row id
 *       ({@link ShardFixtures#write}).
 *   <li>{@code photos}: 3 shards of 16 real 32 x 24 JPEGs of known colours ({@link ShardFixtures#writeJpegs}).
 *   <li>{@code tokens}: 4 shards of 50 packed token rows of varied length ({@link ShardFixtures#writeTokens}).
 *   <li>{@code windows}: 3 shards of 20 sensor windows of 16 x 3 values ({@link ShardFixtures#writeWindows}).
 *   <li>{@code corrupt}: {@code images} with one byte flipped in shard 5 after publishing.
 *   <li>{@code large}: 8 shards of 50 rows of 110 KB "images", 44 MB: more than a stream's buffers hold.
 *   <li>{@code texts}, {@code sensors}, {@code filtered}: 3, 3 and 2 shards of the text, sensor (readings as maps) and
 *       filtered tables ({@link ShardFixtures#writeText}, {@link ShardFixtures#writeSensors}, {@link ShardFixtures#writeFiltered}).
 * </ul>
 */
public final class ClientFixture {

    private ClientFixture() {}

    public static void main(String[] args) throws Exception {
        if (args.length != 1) {
            throw new IllegalArgumentException("usage: ClientFixture <root folder>");
        }
        Path root = Files.createDirectories(Path.of(args[0]));
        StringBuilder out = new StringBuilder();
        ShardFixtures.write(root.resolve("images"), "images", ShardFixtures.uniform(12, 40), 2048, 16 << 10);
        ShardFixtures.writeJpegs(root.resolve("photos"), "photos", ShardFixtures.uniform(3, 16), 32, 24);
        ShardFixtures.writeTokens(root.resolve("tokens"), "tokens", ShardFixtures.uniform(4, 50));
        ShardFixtures.writeWindows(root.resolve("windows"), "windows", ShardFixtures.uniform(3, 20), 16, 3);
        DatasetManifest corrupt = ShardFixtures.write(root.resolve("corrupt"), "corrupt", ShardFixtures.uniform(12, 40), 2048, 16 << 10);
        Path victim = root.resolve("corrupt").resolve(corrupt.shards().get(5).path());
        byte[] bytes = Files.readAllBytes(victim);
        bytes[bytes.length / 2] ^= 0x01;
        Files.write(victim, bytes);
        ShardFixtures.write(root.resolve("large"), "large", ShardFixtures.uniform(8, 50), 110_000, 1 << 20);
        ShardFixtures.writeText(root.resolve("texts"), "texts", ShardFixtures.uniform(3, 30));
        ShardFixtures.writeSensors(root.resolve("sensors"), "sensors", ShardFixtures.uniform(3, 25));
        ShardFixtures.writeFiltered(root.resolve("filtered"), "filtered", ShardFixtures.uniform(2, 20));
        for (String name : new String[] {"images", "photos", "tokens", "windows", "corrupt", "large", "texts", "sensors", "filtered"}) {
            out.append(name).append('=').append(root.resolve(name).toUri()).append('\n');
        }
        System.out.print(out);
    }
}
