package dev.rill.ml;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.function.UnaryOperator;

import ai.onnx.proto.OnnxMl;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.google.protobuf.ByteString;
import com.google.protobuf.InvalidProtocolBufferException;

/**
 * Real ONNX models derived from a model version, for fallback drills and tests: a NaN output, a
 * shifted score, reversed weights, a dynamic input width, a slow graph. The graph is edited with
 * ONNX's own protobuf classes (shipped with Tribuo's ONNX export), and model.json follows (version,
 * checksum), so the registry accepts the result as it would a trained version.
 */
public final class ModelDrills
{
    private static final ObjectMapper JSON = new ObjectMapper();

    private ModelDrills()
    {
    }

    /**
     * Writes {@code parent/<version>/} from the source version with its ONNX bytes altered and its
     * model.json naming that version and the new checksum.
     *
     * @param source    a model version directory (model.onnx + model.json).
     * @param parent    the model's name directory in a registry.
     * @param version   the version to write.
     * @param alterOnnx the change to the graph, for example {@link #nanOutput}.
     * @return the new version directory.
     */
    public static Path version(final Path source, final Path parent, final int version, final UnaryOperator<byte[]> alterOnnx)
        throws IOException
    {
        return version(source, parent, version, alterOnnx, json -> { });
    }

    /** Like {@link #version(Path, Path, int, UnaryOperator)}, also changing model.json as a tree. */
    public static Path version(
        final Path source, final Path parent, final int version, final UnaryOperator<byte[]> alterOnnx,
        final java.util.function.Consumer<ObjectNode> alterJson) throws IOException
    {
        final Path dir = Files.createDirectories(parent.resolve(Integer.toString(version)));
        final byte[] onnx = alterOnnx.apply(Files.readAllBytes(source.resolve(ModelDescriptor.ONNX_FILE)));
        final ObjectNode json = (ObjectNode)JSON.readTree(source.resolve(ModelDescriptor.DESCRIPTOR_FILE).toFile());
        json.put("version", version);
        json.put("onnxSha256", ModelFiles.sha256Hex(onnx));
        alterJson.accept(json);
        Files.write(dir.resolve(ModelDescriptor.ONNX_FILE), onnx);
        JSON.writerWithDefaultPrettyPrinter().writeValue(dir.resolve(ModelDescriptor.DESCRIPTOR_FILE).toFile(), json);
        return dir;
    }

    /** @return the model with both biases NaN: every output is NaN. */
    public static byte[] nanOutput(final byte[] onnx)
    {
        return editBias(onnx, bias -> new float[]{Float.NaN, Float.NaN});
    }

    /** @return the model with every weight negated: its ranking reversed (AUC becomes 1 - AUC), a worse model. */
    public static byte[] reversedWeights(final byte[] onnx)
    {
        final OnnxMl.ModelProto.Builder model = parse(onnx).toBuilder();
        final OnnxMl.GraphProto.Builder graph = model.getGraphBuilder();
        for (int i = 0; i < graph.getInitializerCount(); i++)
        {
            final OnnxMl.TensorProto t = graph.getInitializer(i);
            if (t.getName().contains("weights"))
            {
                final ByteBuffer raw = t.getRawData().asReadOnlyByteBuffer().order(ByteOrder.LITTLE_ENDIAN);
                final ByteBuffer out = ByteBuffer.allocate(raw.remaining()).order(ByteOrder.LITTLE_ENDIAN);
                while (raw.remaining() >= Float.BYTES)
                {
                    out.putFloat(-raw.getFloat());
                }
                graph.setInitializer(i, t.toBuilder().setRawData(ByteString.copyFrom(out.array())).build());
            }
        }
        return model.build().toByteArray();
    }

    /** @return the model with {@code delta} added to the fraud logit's bias: every score moves up. */
    public static byte[] shiftedFraudLogit(final byte[] onnx, final float delta)
    {
        return editBias(onnx, bias -> new float[]{bias[0] + delta, bias[1]});
    }

    /** @return the model with its input width made dynamic, so a descriptor may claim another width and every run fails. */
    public static byte[] dynamicFeatureDimension(final byte[] onnx)
    {
        final OnnxMl.ModelProto.Builder model = parse(onnx).toBuilder();
        model.getGraphBuilder().getInputBuilder(0).getTypeBuilder().getTensorTypeBuilder().getShapeBuilder()
            .getDimBuilder(1).setDimParam("features");
        return model.build().toByteArray();
    }

    /**
     * @return the model with a slow branch whose result is multiplied by zero and added to the
     * logits: {@code layers} MatMuls of [n, width] by [width, width] per run, so a run takes long
     * while every score stays as the committed model's.
     */
    public static byte[] slow(final byte[] onnx, final int width, final int layers)
    {
        final OnnxMl.ModelProto.Builder model = parse(onnx).toBuilder();
        final OnnxMl.GraphProto.Builder graph = model.getGraphBuilder();
        final OnnxMl.NodeProto gemm = graph.getNode(0);
        final String logits = gemm.getOutput(0);
        graph.addInitializer(floats("slow_in", new long[]{11, width}, 0.01f));
        graph.addInitializer(floats("slow_w", new long[]{width, width}, 1.0f / width));
        graph.addInitializer(floats("slow_zero", new long[]{1}, 0.0f));
        graph.addInitializer(OnnxMl.TensorProto.newBuilder().setName("slow_axes").addDims(1)
            .setDataType(OnnxMl.TensorProto.DataType.INT64_VALUE).addInt64Data(1).build());
        final java.util.List<OnnxMl.NodeProto> nodes = new java.util.ArrayList<>(graph.getNodeList());
        final java.util.List<OnnxMl.NodeProto> added = new java.util.ArrayList<>();
        added.add(node("MatMul", new String[]{"input", "slow_in"}, "slow_0"));
        for (int i = 1; i <= layers; i++)
        {
            added.add(node("MatMul", new String[]{"slow_" + (i - 1), "slow_w"}, "slow_" + i));
        }
        added.add(OnnxMl.NodeProto.newBuilder().setOpType("ReduceSum").addInput("slow_" + layers).addInput("slow_axes")
            .addOutput("slow_sum").addAttribute(OnnxMl.AttributeProto.newBuilder().setName("keepdims").setI(1)
                .setType(OnnxMl.AttributeProto.AttributeType.INT)).build());
        added.add(node("Mul", new String[]{"slow_sum", "slow_zero"}, "slow_nothing"));
        added.add(node("Add", new String[]{logits, "slow_nothing"}, "slow_logits"));
        graph.clearNode();
        graph.addNode(nodes.get(0));
        added.forEach(graph::addNode);
        for (int i = 1; i < nodes.size(); i++)
        {
            final OnnxMl.NodeProto.Builder n = nodes.get(i).toBuilder();
            for (int k = 0; k < n.getInputCount(); k++)
            {
                if (n.getInput(k).equals(logits))
                {
                    n.setInput(k, "slow_logits");
                }
            }
            graph.addNode(n.build());
        }
        return model.build().toByteArray();
    }

    private static OnnxMl.NodeProto node(final String op, final String[] inputs, final String output)
    {
        final OnnxMl.NodeProto.Builder n = OnnxMl.NodeProto.newBuilder().setOpType(op).addOutput(output);
        for (final String input : inputs)
        {
            n.addInput(input);
        }
        return n.build();
    }

    private static OnnxMl.TensorProto floats(final String name, final long[] dims, final float value)
    {
        long count = 1;
        for (final long d : dims)
        {
            count *= d;
        }
        final ByteBuffer raw = ByteBuffer.allocate((int)count * Float.BYTES).order(ByteOrder.LITTLE_ENDIAN);
        for (long i = 0; i < count; i++)
        {
            raw.putFloat(value);
        }
        final OnnxMl.TensorProto.Builder t = OnnxMl.TensorProto.newBuilder().setName(name)
            .setDataType(OnnxMl.TensorProto.DataType.FLOAT_VALUE).setRawData(ByteString.copyFrom(raw.array()));
        for (final long d : dims)
        {
            t.addDims(d);
        }
        return t.build();
    }

    private static byte[] editBias(final byte[] onnx, final UnaryOperator<float[]> edit)
    {
        final OnnxMl.ModelProto.Builder model = parse(onnx).toBuilder();
        final OnnxMl.GraphProto.Builder graph = model.getGraphBuilder();
        for (int i = 0; i < graph.getInitializerCount(); i++)
        {
            final OnnxMl.TensorProto t = graph.getInitializer(i);
            if (t.getName().contains("bias"))
            {
                final ByteBuffer raw = t.getRawData().asReadOnlyByteBuffer().order(ByteOrder.LITTLE_ENDIAN);
                final float[] bias = {raw.getFloat(0), raw.getFloat(4)};
                final float[] edited = edit.apply(bias);
                final ByteBuffer out = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putFloat(edited[0]).putFloat(edited[1]);
                graph.setInitializer(i, t.toBuilder().setRawData(ByteString.copyFrom(out.array())).build());
                return model.build().toByteArray();
            }
        }
        throw new IllegalArgumentException("the model has no initializer named *bias*: not a linear model exported by Tribuo");
    }

    private static OnnxMl.ModelProto parse(final byte[] onnx)
    {
        try
        {
            return OnnxMl.ModelProto.parseFrom(onnx);
        }
        catch (final InvalidProtocolBufferException ex)
        {
            throw new IllegalArgumentException("not an ONNX model: " + ex.getMessage(), ex);
        }
    }
}
