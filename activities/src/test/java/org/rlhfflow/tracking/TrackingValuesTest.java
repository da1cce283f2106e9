package org.rlhfflow.tracking;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class TrackingValuesTest {
  @Test
  void secretsAreWholeWordsNotSubstrings() {
    for (String secret : new String[] {"s3_secret_key", "RLHF_S3_SECRET_KEY", "db.password", "aws-access-key",
        "api.token", "token"}) {
      assertTrue(TrackingValues.isSecret(secret), secret);
    }
    for (String plain : new String[] {"model.tokenizer", "ppo.max_new_tokens", "evaluation.max_new_tokens",
        "secretary", "sft.learning_rate"}) {
      assertFalse(TrackingValues.isSecret(plain), plain);
    }
  }
}
