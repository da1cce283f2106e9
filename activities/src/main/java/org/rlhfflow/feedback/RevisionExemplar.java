package org.rlhfflow.feedback;

/**
 * A worked critique and revision shown before the chain being revised (few-shot prompting, Bai et
 * al. 2022, sec. 3.1 and appendix C), under one principle's critique and revision requests.
 *
 * @param principle id of the principle whose requests it answers
 * @param response the answer being critiqued
 */
public record RevisionExemplar(String principle, String prompt, String response, String critique, String revision) {}
