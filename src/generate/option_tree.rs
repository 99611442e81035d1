//! The plan for scoring ranking options in few llama.cpp batches: every question and its
//! options as one token tree.
//!
//! Each option gets its own KV sequence. A token that several options share (the question, and
//! any common start such as " a" in " a forest" / " a city") is evaluated once, tagged with all
//! of their sequence ids, instead of once per option. Logits are read where they predict an
//! option token: at the question's last token and at every shared prefix of an option except
//! the whole option. The tree is listed breadth first, so a token's parents always come before
//! it and the batches can be cut anywhere.

use llama_cpp_2::token::LlamaToken;

/// One token to evaluate.
#[derive(Debug, Clone, PartialEq)]
pub struct TreeToken {
    pub token: LlamaToken,
    pub pos: usize,
    /// The sequences (options) that contain this token.
    pub seqs: Vec<i32>,
    /// Index into `OptionTree::predictions` when this token's logits are needed.
    pub predicts: Option<usize>,
}

/// What the logits at one token predict: for each listed option, the token that follows.
#[derive(Debug, Clone, PartialEq)]
pub struct Prediction {
    pub question: usize,
    /// (option index within the question, next token of that option).
    pub targets: Vec<(usize, LlamaToken)>,
}

#[derive(Debug, Clone, Default)]
pub struct OptionTree {
    pub tokens: Vec<TreeToken>,
    pub predictions: Vec<Prediction>,
    /// Sequence of each option, per question (`None` for an option with no tokens).
    pub seq_of: Vec<Vec<Option<i32>>>,
}

/// A question's text tokens and its options' tokens.
pub struct TokenQuestion {
    pub question: Vec<LlamaToken>,
    pub options: Vec<Vec<LlamaToken>>,
}

impl OptionTree {
    /// Lays out `questions` after a shared context ending at position `start - 1`, giving
    /// options the sequence ids `first_seq`, `first_seq + 1`, …
    pub fn build(questions: &[TokenQuestion], start: usize, first_seq: i32) -> OptionTree {
        let mut tree = OptionTree::default();
        let mut next_seq = first_seq;
        for (qi, q) in questions.iter().enumerate() {
            let seqs: Vec<Option<i32>> = q
                .options
                .iter()
                .map(|o| {
                    (!o.is_empty()).then(|| {
                        next_seq += 1;
                        next_seq - 1
                    })
                })
                .collect();
            let live: Vec<usize> = (0..q.options.len()).filter(|&o| seqs[o].is_some()).collect();
            if live.is_empty() || q.question.is_empty() {
                tree.seq_of.push(seqs);
                continue;
            }
            let all_seqs: Vec<i32> = live.iter().map(|&o| seqs[o].unwrap()).collect();
            // The question, shared by every option; its last token predicts their first tokens.
            for (k, &token) in q.question.iter().enumerate() {
                let last = k + 1 == q.question.len();
                let predicts = last.then(|| tree.predict(qi, live.iter().map(|&o| (o, q.options[o][0])).collect()));
                tree.tokens.push(TreeToken { token, pos: start + k, seqs: all_seqs.clone(), predicts });
            }
            // Option prefixes, breadth first: depth d holds the prefixes of d tokens that some
            // longer option continues.
            let base = start + q.question.len();
            let depth = live.iter().map(|&o| q.options[o].len()).max().unwrap_or(0);
            for d in 1..depth {
                let mut groups: Vec<(&[LlamaToken], Vec<usize>)> = Vec::new();
                for &o in live.iter().filter(|&&o| q.options[o].len() > d) {
                    let prefix = &q.options[o][..d];
                    match groups.iter_mut().find(|(p, _)| *p == prefix) {
                        Some((_, members)) => members.push(o),
                        None => groups.push((prefix, vec![o])),
                    }
                }
                for (prefix, members) in groups {
                    let predicts = Some(tree.predict(qi, members.iter().map(|&o| (o, q.options[o][d])).collect()));
                    let seqs = members.iter().map(|&o| seqs[o].unwrap()).collect();
                    tree.tokens.push(TreeToken { token: prefix[d - 1], pos: base + d - 1, seqs, predicts });
                }
            }
            tree.seq_of.push(seqs);
        }
        tree
    }

    fn predict(&mut self, question: usize, targets: Vec<(usize, LlamaToken)>) -> usize {
        self.predictions.push(Prediction { question, targets });
        self.predictions.len() - 1
    }

    /// Every sequence id used.
    pub fn sequences(&self) -> impl Iterator<Item = i32> + '_ {
        self.seq_of.iter().flatten().flatten().copied()
    }

    /// Rows of logits read (one per predicting token).
    pub fn output_rows(&self) -> usize {
        self.predictions.len()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn t(ids: &[i32]) -> Vec<LlamaToken> {
        ids.iter().map(|&i| LlamaToken::new(i)).collect()
    }

    #[test]
    fn shared_prefixes_are_evaluated_once() {
        // " a forest" = [1, 2], " a city" = [1, 3], " snow" = [4], " a sandy beach" = [1, 5, 6]
        let q = TokenQuestion { question: t(&[10, 11]), options: vec![t(&[1, 2]), t(&[1, 3]), t(&[4]), t(&[1, 5, 6]), vec![]] };
        let tree = OptionTree::build(&[q], 100, 2);
        assert_eq!(tree.seq_of[0], vec![Some(2), Some(3), Some(4), Some(5), None]);
        // question (2) + " a" once + " a sandy" once
        assert_eq!(tree.tokens.len(), 4);
        assert_eq!(tree.tokens[1].seqs, vec![2, 3, 4, 5]);
        assert_eq!((tree.tokens[2].token, tree.tokens[2].pos, tree.tokens[2].seqs.clone()), (LlamaToken::new(1), 102, vec![2, 3, 5]));
        assert_eq!((tree.tokens[3].token, tree.tokens[3].pos, tree.tokens[3].seqs.clone()), (LlamaToken::new(5), 103, vec![5]));
        // Every option token but the first is predicted by exactly one prefix node.
        let predicted: usize = tree.predictions.iter().map(|p| p.targets.len()).sum();
        assert_eq!(predicted, 2 + 2 + 1 + 3);
        assert_eq!(tree.output_rows(), 3);
    }

    #[test]
    fn a_sequence_sees_contiguous_positions_parents_first() {
        let qs = vec![
            TokenQuestion { question: t(&[10]), options: vec![t(&[1, 2, 3]), t(&[1, 2, 4]), t(&[5, 6])] },
            TokenQuestion { question: t(&[11, 12]), options: vec![t(&[7]), t(&[7, 8])] },
        ];
        let tree = OptionTree::build(&qs, 50, 1);
        for seq in tree.sequences() {
            let positions: Vec<usize> = tree.tokens.iter().filter(|t| t.seqs.contains(&seq)).map(|t| t.pos).collect();
            assert_eq!(positions[0], 50, "seq {seq} starts right after the context");
            assert!(positions.windows(2).all(|w| w[1] == w[0] + 1), "seq {seq}: {positions:?}");
        }
        assert_eq!(tree.sequences().collect::<Vec<_>>(), vec![1, 2, 3, 4, 5]);
    }
}
