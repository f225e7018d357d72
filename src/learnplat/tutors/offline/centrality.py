"""TF-IDF sentence vectors and LexRank centrality, sparse so that 5,000 sentences stay fast."""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np


@dataclass(frozen=True)
class TermMatrix:
    """A sparse sentences x terms matrix of unit-length TF-IDF rows (coordinate form)."""

    rows: np.ndarray
    cols: np.ndarray
    values: np.ndarray
    shape: tuple[int, int]
    vocabulary: dict[str, int]
    document_frequency: np.ndarray

    def times(self, column_vector: np.ndarray) -> np.ndarray:
        """X @ v, one entry per sentence."""
        return np.bincount(
            self.rows, weights=self.values * column_vector[self.cols], minlength=self.shape[0]
        )

    def transpose_times(self, row_vector: np.ndarray) -> np.ndarray:
        """X.T @ v, one entry per term."""
        return np.bincount(
            self.cols, weights=self.values * row_vector[self.rows], minlength=self.shape[1]
        )

    def group_vectors(self, group_of_row: Sequence[int], groups: int) -> np.ndarray:
        """Dense unit-length sums of the rows of each group (groups x terms); groups are few."""
        dense = np.zeros((groups, self.shape[1]))
        np.add.at(dense, (np.asarray(group_of_row)[self.rows], self.cols), self.values)
        norms = np.linalg.norm(dense, axis=1, keepdims=True)
        return dense / np.where(norms == 0, 1.0, norms)


def term_matrix(stem_lists: Sequence[Sequence[str]]) -> TermMatrix:
    """TF-IDF rows (sublinear tf, smoothed idf) for each list of stems, normalised to length 1."""
    vocabulary: dict[str, int] = {}
    rows: list[int] = []
    cols: list[int] = []
    counts: list[float] = []
    for row, stems in enumerate(stem_lists):
        tally: dict[int, int] = {}
        for item in stems:
            column = vocabulary.setdefault(item, len(vocabulary))
            tally[column] = tally.get(column, 0) + 1
        for column, count in tally.items():
            rows.append(row)
            cols.append(column)
            counts.append(1.0 + math.log(count))
    row_array = np.asarray(rows, dtype=np.int64)
    col_array = np.asarray(cols, dtype=np.int64)
    document_frequency = np.bincount(col_array, minlength=len(vocabulary)).astype(float)
    sentence_count = len(stem_lists)
    idf = np.log((1.0 + sentence_count) / (1.0 + document_frequency)) + 1.0
    values = np.asarray(counts, dtype=float) * idf[col_array]
    norms = np.sqrt(np.bincount(row_array, weights=values**2, minlength=sentence_count))
    values = values / np.where(norms == 0, 1.0, norms)[row_array]
    return TermMatrix(
        row_array,
        col_array,
        values,
        (sentence_count, len(vocabulary)),
        vocabulary,
        document_frequency,
    )


def lexrank(matrix: TermMatrix, damping: float = 0.85, iterations: int = 60) -> np.ndarray:
    """Continuous LexRank scores (summing to 1) by power iteration on S = X X^T minus its diagonal.

    S is never built: S @ v is X @ (X.T @ v), so each step costs two passes over the non-zeros
    instead of the N x N products that would make 5,000 sentences slow.
    """
    count = matrix.shape[0]
    if count == 0:
        return np.zeros(0)
    self_similarity = np.bincount(matrix.rows, weights=matrix.values**2, minlength=count)

    def similarity_times(vector: np.ndarray) -> np.ndarray:
        return matrix.times(matrix.transpose_times(vector)) - self_similarity * vector

    degree = similarity_times(np.ones(count))
    # Sentences that share no word with any other get a tiny degree instead of a division by 0.
    degree = np.where(degree > 1e-12, degree, 1e-12)
    scores = np.full(count, 1.0 / count)
    for _ in range(iterations):
        updated = (1.0 - damping) / count + damping * similarity_times(scores / degree)
        updated /= updated.sum()
        if np.abs(updated - scores).sum() < 1e-9:
            return updated
        scores = updated
    return scores
