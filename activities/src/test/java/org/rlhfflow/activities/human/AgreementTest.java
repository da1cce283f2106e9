package org.rlhfflow.activities.human;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.rlhfflow.activities.human.FeedbackRecords.Ranking;
import org.rlhfflow.activities.human.RankingPairs.Comparison;

class AgreementTest {
  /**
   * Krippendorff (2011), "Computing Krippendorff's Alpha-Reliability", the 4-coder, 12-unit example;
   * the expected value is what the Python package krippendorff 0.8 computes for the same data
   * (level_of_measurement="ordinal"): 0.8153875037548814.
   */
  @Test
  void ordinalAlphaMatchesTheReferenceExample() {
    Integer n = null;
    Integer[][] coders = {
        {1, 2, 3, 3, 2, 1, 4, 1, 2, n, n, n},
        {1, 2, 3, 3, 2, 2, 4, 1, 2, 5, n, 3},
        {n, 3, 3, 3, 2, 3, 4, 2, 2, 5, 1, n},
        {1, 2, 3, 3, 2, 4, 4, 1, 2, 5, 1, n}};
    List<List<Integer>> units = new ArrayList<>();
    for (int u = 0; u < 12; u++) {
      units.add(Arrays.asList(coders[0][u], coders[1][u], coders[2][u], coders[3][u]));
    }
    assertEquals(0.8153875037548814, Krippendorff.ordinal(units), 1e-12);
  }

  @Test
  void alphaIsUndefinedWithoutVariationAndOneForPerfectAgreement() {
    assertTrue(Double.isNaN(Krippendorff.ordinal(List.of(List.of(1, 1), List.of(1, 1)))));
    assertEquals(1.0, Krippendorff.ordinal(List.of(List.of(1, 1), List.of(2, 2), List.of(3, 3))), 1e-12);
  }

  private static Ranking r(String who, String item, long t, Integer... ranks) {
    return new Ranking(who, item, List.of(ranks), "", t);
  }

  /** Three coders ranking one item of K = 4: krippendorff 0.8 gives 0.7555555555555555. */
  @Test
  void statsOfRankingsUseOneUnitPerResponse() {
    List<Ranking> rs = List.of(r("a", "x", 0, 1, 2, 3, 4), r("b", "x", 0, 2, 1, 3, 4), r("c", "x", 0, 1, 2, 4, 3));
    Agreement.Stats s = Agreement.of(rs, 4);
    assertEquals(0.7555555555555555, s.alpha(), 1e-12);
    // a-b differ on (0,1); a-c on (2,3); b-c on both: 14 of 18 relations agree.
    assertEquals(14.0 / 18, s.agreement(), 1e-12);
    assertEquals(10.0 / 12, s.byAnnotator().get("a"), 1e-12);
  }

  @Test
  void itemsPerHourCountsIntervalsBetweenRankings() {
    List<Ranking> rs = List.of(r("a", "x", 0, 1, 2), r("a", "y", 1_800_000, 1, 2), r("a", "z", 3_600_000, 2, 1),
        r("b", "x", 0, 1, 2));
    Agreement.Stats s = Agreement.of(rs, 2);
    assertEquals(2.0, s.itemsPerHour().get("a"), 1e-12);
    assertTrue(Double.isNaN(s.itemsPerHour().get("b")));
  }

  @Test
  void aRankingYieldsKChoose2PairsAndTiesNone() {
    assertEquals(6, RankingPairs.pairs(List.of(1, 2, 3, 4)).size());
    assertEquals(5, RankingPairs.pairs(List.of(1, 1, 3, 4)).size());
    assertEquals(0, RankingPairs.pairs(List.of(1, 1, 1, 1)).size());
    assertEquals(List.of(1, 0), Arrays.stream(RankingPairs.pairs(List.of(2, 1)).get(0)).boxed().toList());
  }

  @Test
  void theMajorityWinsWithTheFractionWhoPreferAsSoftLabel() {
    List<Ranking> rs = List.of(r("a", "x", 5, 1, 2), r("b", "x", 9, 1, 2), r("c", "x", 7, 2, 1));
    List<Comparison> c = RankingPairs.aggregate("x", rs, 2);
    assertEquals(1, c.size());
    assertEquals(0, c.get(0).chosen());
    assertEquals(2.0 / 3, c.get(0).softLabel(), 1e-12);
    assertEquals(9, c.get(0).lastTimeMillis());
    // an even split is a tie and yields nothing
    assertEquals(0, RankingPairs.aggregate("x", List.of(r("a", "x", 0, 1, 2), r("b", "x", 0, 2, 1)), 2).size());
  }

  @Test
  void rankingRulesAcceptCompetitionAndDenseTies() {
    assertNull(RankingRules.problem(List.of(1, 1, 3, 4), 4));
    assertNull(RankingRules.problem(List.of(1, 1, 2, 3), 4));
    assertNull(RankingRules.problem(List.of(2, 1, 4, 3), 4));
    assertTrue(RankingRules.problem(List.of(1, 3, 4, 4), 4).contains("skips a rank"));
    assertTrue(RankingRules.problem(List.of(0, 1, 2, 3), 4).contains("ranks[0]"));
  }
}
