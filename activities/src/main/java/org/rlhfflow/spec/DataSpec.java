package org.rlhfflow.spec;

/** Datasets that replace the task's generated data; Arrow IPC files or JSONL. */
@Doc("Datasets that replace what the task generates (Arrow IPC files, see docs/datasets.md, or JSONL).")
public record DataSpec(
    @Doc("SFT pairs (prompt, response); unset means the task's demonstrations.") String sftDataset,
    @Doc("Preference pairs (prompt, chosen, rejected); read when preferences.source is dataset.")
        String preferenceDataset,
    @Doc("Preference pairs kept out of all training and reported beside the held-out split as rm/test_* (e.g. HH-RLHF's test files, imported with rlhf import); .arrow files are read as Arrow, others in preferences.dataset_format; unset means no test split.")
        String preferenceTestDataset,
    @Doc("Prompts for PPO rollouts; unset means the task's train prompts.") String promptDataset,
    @Doc(value = "Red-team prompts for Constitutional AI (sl_cai), Arrow or JSONL {\"prompt\": ...}; unset means the task's red_team split.",
            source = "Bai et al. 2022; Ganguli et al. 2022")
        String redTeamPrompts) {

  public static final DataSpec DEFAULT = SpecDefaults.of(DataSpec.class);
}
