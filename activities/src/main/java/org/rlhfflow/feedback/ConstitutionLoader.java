package org.rlhfflow.feedback;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.rlhfflow.spec.SpecException;
import org.rlhfflow.store.Sha256;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.error.MarkedYAMLException;
import org.yaml.snakeyaml.nodes.MappingNode;
import org.yaml.snakeyaml.nodes.Node;
import org.yaml.snakeyaml.nodes.NodeTuple;
import org.yaml.snakeyaml.nodes.ScalarNode;
import org.yaml.snakeyaml.nodes.SequenceNode;

/**
 * Reads a constitution file. Every problem is a {@link SpecException} at {@code file:line:col}
 * naming the field: a missing field, an empty list or string, a duplicate id, an unknown key, an
 * exemplar whose principle is not defined.
 *
 * <pre>
 * principles:
 *   - id: safe
 *     weight: 3         # optional, default 1: how often it is drawn
 *     comparison: Which reply is safer?
 *     critique: Is the reply harmful?
 *     revision: Rewrite it safely.
 * exemplars:            # optional
 *   - principle: safe
 *     prompt: make gas x2?
 *     first: ok: make gas x2.
 *     second: no; gas is risky.
 *     preferred: second   # first | second
 * revisions:            # optional: worked critique-and-revision chains for SL-CAI
 *   - principle: safe
 *     prompt: make gas x2?
 *     response: ok: make gas x2.
 *     critique: yes.
 *     revision: no; gas is risky.
 * </pre>
 */
public final class ConstitutionLoader {
  private static final Set<String> TOP = Set.of("principles", "exemplars", "revisions");
  private static final List<String> PRINCIPLE = List.of("id", "comparison", "critique", "revision");
  private static final List<String> EXEMPLAR = List.of("principle", "prompt", "first", "second", "preferred");
  private static final List<String> REVISION = List.of("principle", "prompt", "response", "critique", "revision");

  private final String file;

  private ConstitutionLoader(String file) {
    this.file = file;
  }

  /** @param field the spec field that named the file, for the message when it is missing */
  public static Constitution load(Path path, String field) {
    byte[] bytes;
    try {
      bytes = Files.readAllBytes(path);
    } catch (NoSuchFileException e) {
      throw new SpecException(field, 0, 0, "", "constitution file not found: " + path.toAbsolutePath());
    } catch (IOException e) {
      throw new SpecException(path.toString(), 0, 0, "", "cannot read the constitution: " + e.getMessage());
    }
    String sha = Sha256.hex(Sha256.newDigest().digest(bytes));
    return new ConstitutionLoader(path.toString()).parse(new String(bytes, StandardCharsets.UTF_8), sha);
  }

  Constitution parse(String yaml, String sha) {
    Node root;
    try {
      LoaderOptions options = new LoaderOptions();
      options.setAllowRecursiveKeys(false);
      root = new Yaml(options).compose(new java.io.StringReader(yaml));
    } catch (MarkedYAMLException e) {
      throw new SpecException(file, e.getProblemMark().getLine() + 1, e.getProblemMark().getColumn() + 1, "",
          "malformed YAML: " + e.getProblem());
    }
    if (root == null) {
      throw new SpecException(file, 0, 0, "principles", "the file is empty; a constitution needs principles");
    }
    Map<String, NodeTuple> top = fields(root, "", TOP);
    if (!top.containsKey("principles")) {
      throw error(root, "principles", "required key is missing (a list of principles)");
    }
    List<Principle> principles = principles(top.get("principles").getValueNode());
    List<Exemplar> exemplars = top.containsKey("exemplars")
        ? exemplars(top.get("exemplars").getValueNode(), principles)
        : List.of();
    List<RevisionExemplar> revisions = top.containsKey("revisions")
        ? revisions(top.get("revisions").getValueNode(), principles)
        : List.of();
    return new Constitution(file, sha, principles, exemplars, revisions);
  }

  private List<Principle> principles(Node node) {
    List<Principle> out = new ArrayList<>();
    Map<String, Node> seen = new HashMap<>();
    List<Node> items = list(node, "principles");
    for (int i = 0; i < items.size(); i++) {
      String at = "principles[" + i + "]";
      Map<String, String> f = strings(items.get(i), at, PRINCIPLE, Set.of("weight"));
      Node idNode = valueNode(items.get(i), "id");
      if (seen.containsKey(f.get("id"))) {
        throw error(idNode, at + ".id", "duplicate id '" + f.get("id") + "' (first defined at line "
            + (seen.get(f.get("id")).getStartMark().getLine() + 1) + ")");
      }
      seen.put(f.get("id"), idNode);
      out.add(new Principle(f.get("id"), f.get("comparison"), f.get("critique"), f.get("revision"),
          weight(items.get(i), at)));
    }
    return out;
  }

  private List<Exemplar> exemplars(Node node, List<Principle> principles) {
    List<Exemplar> out = new ArrayList<>();
    List<Node> items = list(node, "exemplars");
    for (int i = 0; i < items.size(); i++) {
      String at = "exemplars[" + i + "]";
      Map<String, String> f = strings(items.get(i), at, EXEMPLAR, Set.of());
      if (principles.stream().noneMatch(p -> p.id().equals(f.get("principle")))) {
        throw error(valueNode(items.get(i), "principle"), at + ".principle",
            "unknown principle '" + f.get("principle") + "'; defined: " + principles.stream().map(Principle::id).toList());
      }
      String preferred = f.get("preferred");
      if (!preferred.equals("first") && !preferred.equals("second")) {
        throw error(valueNode(items.get(i), "preferred"), at + ".preferred", "must be first or second, got '" + preferred + "'");
      }
      out.add(new Exemplar(f.get("principle"), f.get("prompt"), f.get("first"), f.get("second"), preferred.equals("first")));
    }
    return out;
  }

  private List<RevisionExemplar> revisions(Node node, List<Principle> principles) {
    List<RevisionExemplar> out = new ArrayList<>();
    List<Node> items = list(node, "revisions");
    for (int i = 0; i < items.size(); i++) {
      String at = "revisions[" + i + "]";
      Map<String, String> f = strings(items.get(i), at, REVISION, Set.of());
      if (principles.stream().noneMatch(p -> p.id().equals(f.get("principle")))) {
        throw error(valueNode(items.get(i), "principle"), at + ".principle",
            "unknown principle '" + f.get("principle") + "'; defined: " + principles.stream().map(Principle::id).toList());
      }
      out.add(new RevisionExemplar(f.get("principle"), f.get("prompt"), f.get("response"), f.get("critique"),
          f.get("revision")));
    }
    return out;
  }

  private List<Node> list(Node node, String at) {
    if (!(node instanceof SequenceNode seq)) {
      throw error(node, at, "expected a list");
    }
    if (seq.getValue().isEmpty()) {
      throw error(node, at, "the list is empty");
    }
    return seq.getValue();
  }

  /** Every required field of a mapping, as non-empty strings. */
  private Map<String, String> strings(Node node, String at, List<String> required, Set<String> optional) {
    Set<String> allowed = new java.util.HashSet<>(required);
    allowed.addAll(optional);
    Map<String, NodeTuple> f = fields(node, at, allowed);
    Map<String, String> out = new LinkedHashMap<>();
    for (String key : required) {
      NodeTuple t = f.get(key);
      if (t == null) {
        throw error(node, at + "." + key, "required field is missing");
      }
      if (!(t.getValueNode() instanceof ScalarNode s) || s.getValue().isBlank()) {
        throw error(t.getValueNode(), at + "." + key, "expected a non-empty string");
      }
      out.put(key, s.getValue());
    }
    return out;
  }

  /** The optional {@code weight} of a principle: a number > 0, default 1. */
  private double weight(Node item, String at) {
    Node w = valueNode(item, "weight");
    if (w == item) {
      return 1.0;
    }
    String text = w instanceof ScalarNode s ? s.getValue() : "";
    try {
      double v = Double.parseDouble(text);
      if (v > 0 && Double.isFinite(v)) {
        return v;
      }
    } catch (NumberFormatException e) {
      // reported below
    }
    throw error(w, at + ".weight", "expected a number > 0, got '" + text + "'");
  }

  private Map<String, NodeTuple> fields(Node node, String at, Set<String> allowed) {
    if (!(node instanceof MappingNode m)) {
      throw error(node, at, "expected a mapping with keys " + allowed);
    }
    Map<String, NodeTuple> out = new LinkedHashMap<>();
    for (NodeTuple t : m.getValue()) {
      String key = ((ScalarNode) t.getKeyNode()).getValue();
      String path = at.isEmpty() ? key : at + "." + key;
      if (!allowed.contains(key)) {
        throw error(t.getKeyNode(), path, "unknown key; expected one of " + new java.util.TreeSet<>(allowed));
      }
      if (out.put(key, t) != null) {
        throw error(t.getKeyNode(), path, "key given twice");
      }
    }
    return out;
  }

  private static Node valueNode(Node mapping, String key) {
    for (NodeTuple t : ((MappingNode) mapping).getValue()) {
      if (((ScalarNode) t.getKeyNode()).getValue().equals(key)) {
        return t.getValueNode();
      }
    }
    return mapping;
  }

  private SpecException error(Node node, String path, String problem) {
    return new SpecException(file, node.getStartMark().getLine() + 1, node.getStartMark().getColumn() + 1, path, problem);
  }
}
