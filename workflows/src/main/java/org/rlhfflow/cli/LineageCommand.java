package org.rlhfflow.cli;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.Callable;
import org.rlhfflow.config.RlhfConfig;
import org.rlhfflow.store.ArtifactStore;
import org.rlhfflow.store.ArtifactStores;
import org.rlhfflow.store.Json;
import org.rlhfflow.store.Lineage;
import org.rlhfflow.store.LocalArtifactStore;
import org.rlhfflow.store.StageManifest;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code rlhf lineage REF}: how an artifact was made, as a tree from the stage that output it
 * down through every input, read from the stage manifests of the store.
 */
@Command(name = "lineage", mixinStandardHelpOptions = true,
    description = "Print the stage, cache key, spec, seed, code commit and versions that made an artifact, and its inputs' lineage.")
public final class LineageCommand implements Callable<Integer> {
  @Parameters(index = "0", paramLabel = "REF", description = "The artifact's sha256 or URI.")
  String ref;

  @Option(names = "--store", paramLabel = "DIR",
      description = "A local artifact store, e.g. .rlhf/demo/artifacts (default: MinIO if RLHF_S3_ENDPOINT is set, else $RLHF_HOME/artifacts).")
  Path store;

  @Option(names = "--json", description = "Print the tree as one JSON object.")
  boolean json;

  @Option(names = "--full-spec", description = "Print each stage's resolved spec in full (always in --json).")
  boolean fullSpec;

  @Spec CommandSpec spec;

  @Override
  public Integer call() throws Exception {
    PrintWriter out = spec.commandLine().getOut();
    PrintWriter err = spec.commandLine().getErr();
    if (store != null && !Files.isDirectory(store)) {
      err.println("rlhf lineage: --store " + store + ": no such directory");
      return 2;
    }
    try (ArtifactStore artifacts = store != null ? new LocalArtifactStore(store)
        : ArtifactStores.fromConfig(RlhfConfig.fromEnv(System.getenv()))) {
      Lineage.Node tree;
      try {
        tree = Lineage.of(artifacts).trace(ref);
      } catch (IllegalArgumentException e) {
        err.println("rlhf lineage: " + e.getMessage());
        return 1;
      }
      if (json) {
        out.println(Json.MAPPER.writerWithDefaultPrettyPrinter().writeValueAsString(toJson(tree)));
      } else {
        print(out, tree, "", "", "");
      }
      out.flush();
      return 0;
    }
  }

  private void print(PrintWriter out, Lineage.Node n, String name, String first, String rest) {
    String label = name.isEmpty() ? "" : name + ": ";
    StageManifest m = n.made();
    if (m == null) {
      out.println(first + label + n.sha256() + "  (a leaf: no stage took it as input from another: a base model, an imported file, the task's generated data)");
      return;
    }
    out.println(first + label + m.stage() + "/" + n.output() + "  " + n.sha256());
    String pad = rest + (n.inputs().isEmpty() ? "    " : "|   ");
    out.println(pad + "uri:        " + n.uri());
    out.println(pad + "cache key:  " + m.cacheKey());
    out.println(pad + "spec:       sha256 " + m.specSha256() + (m.specJson() == null ? " (not recorded)" : ""));
    out.println(pad + "seed:       " + (m.seed() == null ? "(not recorded)" : m.seed()));
    out.println(pad + "code:       " + m.codeVersion() + ", commit " + m.provenance().getOrDefault("git_commit", "(not recorded)"));
    out.println(pad + "versions:   DJL " + m.provenance().getOrDefault("djl", "?") + ", "
        + m.provenance().getOrDefault("engine", "?") + ", Temporal SDK " + m.provenance().getOrDefault("temporal_sdk", "?"));
    out.println(pad + "created:    " + m.createdAt());
    if (fullSpec && m.specJson() != null) {
      out.println(pad + "spec json:  " + m.specJson());
    }
    int i = 0;
    for (Map.Entry<String, Lineage.Node> in : n.inputs().entrySet()) {
      boolean last = ++i == n.inputs().size();
      print(out, in.getValue(), in.getKey(), rest + (last ? "`-- " : "|-- "), rest + (last ? "    " : "|   "));
    }
  }

  static ObjectNode toJson(Lineage.Node n) {
    ObjectNode o = Json.MAPPER.createObjectNode();
    o.put("sha256", n.sha256());
    o.put("uri", n.uri());
    StageManifest m = n.made();
    if (m != null) {
      o.put("stage", m.stage());
      o.put("output", n.output());
      o.put("cache_key", m.cacheKey());
      o.put("spec_sha256", m.specSha256());
      if (m.specJson() != null) {
        o.set("spec", parse(m.specJson()));
      }
      if (m.seed() != null) {
        o.put("seed", m.seed());
      }
      o.put("code_version", m.codeVersion());
      o.set("provenance", Json.MAPPER.valueToTree(m.provenance()));
      o.put("created_at", m.createdAt());
    }
    ObjectNode inputs = o.putObject("inputs");
    n.inputs().forEach((k, v) -> inputs.set(k, toJson(v)));
    return o;
  }

  private static com.fasterxml.jackson.databind.JsonNode parse(String specJson) {
    try {
      return Json.MAPPER.readTree(specJson);
    } catch (java.io.IOException e) {
      return Json.MAPPER.getNodeFactory().textNode(specJson);
    }
  }
}
