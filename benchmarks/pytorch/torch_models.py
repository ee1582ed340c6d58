"""PyTorch restatements of the reference models' building blocks, for the parity fixtures
(make_fixtures.py) and the side-by-side speed runs (bench_models.py). Tools only: nothing in the
Java project imports or needs them.

Conventions pinned here (shared/reference/reference-implementations.md sections 1.3, 1.10, 3, 6):

* Hugging Face BERT / BLIP ``med.py``: post-norm, GELU with erf, LayerNorm eps 1e-12, additive mask
  bias ``(1 - mask) * -10000`` (causal times padding for the decoder), word embeddings with
  ``padding_idx``, no token-type embeddings in the BLIP decoder, MLM head tied to the word
  embeddings, next-token CE with label smoothing 0.1 and ignore index -100. Module and parameter
  names as the Hugging Face state dicts (``bert.encoder.layer.N.attention.self.query.weight``).
* DETR / PromptMRG memory: ``nn.TransformerEncoderLayer`` / ``nn.TransformerDecoderLayer``
  modules (packed ``in_proj_weight``), driven DETR's way: post-norm, ReLU, ``query_pos`` added to
  the queries of both attentions, memory keys without positions, decoder target zeros, a final
  decoder LayerNorm.
* MedKLIP: the same layer modules, pre-norm (``normalize_before=True``), a final LayerNorm, the
  cross-attention weights averaged over heads returned per layer.
"""

import math

import torch
from torch import nn
import torch.nn.functional as F

MASK_BIAS = -10000.0


# ---- Hugging Face BERT / BLIP ------------------------------------------------------------------


class BertSelfAttention(nn.Module):
    """query/key/value projections (key/value from ``kv_width`` for cross-attention)."""

    def __init__(self, hidden, heads, kv_width, dropout):
        super().__init__()
        self.heads, self.dh = heads, hidden // heads
        self.query = nn.Linear(hidden, hidden)
        self.key = nn.Linear(kv_width, hidden)
        self.value = nn.Linear(kv_width, hidden)
        self.dropout = nn.Dropout(dropout)

    def split(self, x):  # (B, T, d) -> (B, H, T, dh)
        b, t, _ = x.shape
        return x.view(b, t, self.heads, self.dh).transpose(1, 2)

    def forward(self, h, kv, bias):
        q, k, v = self.split(self.query(h)), self.split(self.key(kv)), self.split(self.value(kv))
        scores = q @ k.transpose(-1, -2) / math.sqrt(self.dh)  # (B, H, Tq, Tk)
        if bias is not None:
            scores = scores + bias
        probs = self.dropout(scores.softmax(-1))
        ctx = (probs @ v).transpose(1, 2).contiguous()
        return ctx.view(ctx.shape[0], ctx.shape[1], -1)


class BertSelfOutput(nn.Module):
    """dense -> dropout -> LayerNorm(x + residual) (post-norm)."""

    def __init__(self, hidden, inner, eps, dropout):
        super().__init__()
        self.dense = nn.Linear(inner, hidden)
        self.LayerNorm = nn.LayerNorm(hidden, eps=eps)
        self.dropout = nn.Dropout(dropout)

    def forward(self, h, residual):
        return self.LayerNorm(self.dropout(self.dense(h)) + residual)


class BertAttention(nn.Module):
    def __init__(self, hidden, heads, kv_width, eps, dropout):
        super().__init__()
        setattr(self, "self", BertSelfAttention(hidden, heads, kv_width, dropout))
        self.output = BertSelfOutput(hidden, hidden, eps, dropout)

    def forward(self, h, kv, bias):
        return self.output(getattr(self, "self")(h, kv, bias), h)


class BertIntermediate(nn.Module):
    def __init__(self, hidden, inner):
        super().__init__()
        self.dense = nn.Linear(hidden, inner)

    def forward(self, h):
        return F.gelu(self.dense(h))  # erf GELU, as Hugging Face's "gelu"


class BertLayer(nn.Module):
    """self-attention (-> cross-attention) -> FFN, each post-norm."""

    def __init__(self, hidden, heads, inner, eps, dropout, cross_width=None):
        super().__init__()
        self.attention = BertAttention(hidden, heads, hidden, eps, dropout)
        if cross_width is not None:
            self.crossattention = BertAttention(hidden, heads, cross_width, eps, dropout)
        self.intermediate = BertIntermediate(hidden, inner)
        self.output = BertSelfOutput(hidden, inner, eps, dropout)

    def forward(self, h, bias, memory=None, memory_bias=None):
        h = self.attention(h, h, bias)
        if memory is not None:
            h = self.crossattention(h, memory, memory_bias)
        return self.output(self.intermediate(h), h)


class BertEmbeddings(nn.Module):
    """word + position (+ token type) -> LayerNorm -> dropout."""

    def __init__(self, vocab, hidden, positions, type_vocab, eps, dropout, pad=0):
        super().__init__()
        self.word_embeddings = nn.Embedding(vocab, hidden, padding_idx=pad)
        self.position_embeddings = nn.Embedding(positions, hidden)
        if type_vocab:
            self.token_type_embeddings = nn.Embedding(type_vocab, hidden)
        self.LayerNorm = nn.LayerNorm(hidden, eps=eps)
        self.dropout = nn.Dropout(dropout)
        self.register_buffer("position_ids", torch.arange(positions).expand((1, -1)))

    def forward(self, ids, token_types=None):
        h = self.word_embeddings(ids) + self.position_embeddings(self.position_ids[:, : ids.shape[1]])
        if hasattr(self, "token_type_embeddings"):
            if token_types is None:
                token_types = torch.zeros_like(ids)
            h = h + self.token_type_embeddings(token_types)
        return self.dropout(self.LayerNorm(h))


class BertEncoderStack(nn.Module):
    def __init__(self, layers):
        super().__init__()
        self.layer = nn.ModuleList(layers)


class BertPooler(nn.Module):
    def __init__(self, hidden):
        super().__init__()
        self.dense = nn.Linear(hidden, hidden)

    def forward(self, h):
        return torch.tanh(self.dense(h[:, 0]))


def padding_bias(keep):
    """keep (B, Tk) 1/0 -> (B, 1, 1, Tk) additive bias, Hugging Face's extended attention mask."""
    return (1.0 - keep[:, None, None, :].to(torch.get_default_dtype())) * MASK_BIAS


def causal_padding_bias(keep):
    """BLIP decoder: causal mask times padding mask, then (1 - m) * -10000; (B, 1, T, T)."""
    b, t = keep.shape
    seq = torch.arange(t)
    causal = (seq[None, None, :].repeat(b, t, 1) <= seq[None, :, None]).to(torch.get_default_dtype())
    m = causal[:, None, :, :] * keep[:, None, None, :].to(torch.get_default_dtype())
    return (1.0 - m) * MASK_BIAS


class HfBertModel(nn.Module):
    """``bert.*`` of a BertModel (encoder) or of BLIP's BertLMHeadModel (decoder with cross-attention)."""

    def __init__(self, vocab, hidden, layers, heads, inner, positions, type_vocab, eps, dropout,
                 cross_width=None, pooler=True):
        super().__init__()
        self.embeddings = BertEmbeddings(vocab, hidden, positions, type_vocab, eps, dropout)
        self.encoder = BertEncoderStack(
            [BertLayer(hidden, heads, inner, eps, dropout, cross_width) for _ in range(layers)])
        if pooler:
            self.pooler = BertPooler(hidden)

    def forward(self, ids, keep, token_types=None, memory=None, causal=False):
        h = self.embeddings(ids, token_types)
        bias = causal_padding_bias(keep) if causal else padding_bias(keep)
        memory_bias = None
        if memory is not None:  # BLIP passes no encoder mask: all ones, bias 0
            memory_bias = padding_bias(torch.ones(memory.shape[:2]))
        for layer in self.encoder.layer:
            h = layer(h, bias, memory, memory_bias)
        return h


class LmTransform(nn.Module):
    def __init__(self, hidden, eps):
        super().__init__()
        self.dense = nn.Linear(hidden, hidden)
        self.LayerNorm = nn.LayerNorm(hidden, eps=eps)

    def forward(self, h):
        return self.LayerNorm(F.gelu(self.dense(h)))


class LmPredictions(nn.Module):
    """BERT's MLM head: transform, decoder tied to the word embeddings, own bias (decoder.bias is it)."""

    def __init__(self, hidden, vocab, eps, word_embeddings):
        super().__init__()
        self.transform = LmTransform(hidden, eps)
        self.decoder = nn.Linear(hidden, vocab, bias=False)
        self.decoder.weight = word_embeddings.weight
        self.bias = nn.Parameter(torch.zeros(vocab))
        self.decoder.bias = self.bias

    def forward(self, h):
        return self.decoder(self.transform(h))


class LmHeads(nn.Module):
    def __init__(self, hidden, vocab, eps, word_embeddings):
        super().__init__()
        self.predictions = LmPredictions(hidden, vocab, eps, word_embeddings)


class BlipLmDecoder(nn.Module):
    """BLIP ``BertLMHeadModel``: ``bert`` (no token types, no pooler, cross-attention) + ``cls``."""

    def __init__(self, vocab, hidden, layers, heads, inner, positions, eps, dropout, memory_width):
        super().__init__()
        self.bert = HfBertModel(vocab, hidden, layers, heads, inner, positions, 0, eps, dropout,
                                cross_width=memory_width, pooler=False)
        self.cls = LmHeads(hidden, vocab, eps, self.bert.embeddings.word_embeddings)

    def forward(self, ids, keep, memory):
        return self.cls.predictions(self.bert(ids, keep, memory=memory, causal=True))

    @staticmethod
    def loss(logits, labels, smoothing=0.1):
        """Shifted next-token CE (med.py): positions 0..T-2 predict labels 1..T-1, -100 ignored."""
        shifted = logits[:, :-1, :].contiguous()
        target = labels[:, 1:].contiguous()
        fn = nn.CrossEntropyLoss(reduction="mean", label_smoothing=smoothing)
        return fn(shifted.view(-1, logits.shape[-1]), target.view(-1))


# ---- DETR (PromptMRG memory) and MedKLIP -------------------------------------------------------


def detr_encoder_layer(layer, src, key_padding, pos=None):
    """DETR ``forward_post`` over an ``nn.TransformerEncoderLayer``; src (S, B, d)."""
    q = k = src if pos is None else src + pos
    src = layer.norm1(src + layer.dropout1(layer.self_attn(q, k, src, key_padding_mask=key_padding)[0]))
    ff = layer.linear2(layer.dropout(F.relu(layer.linear1(src))))
    return layer.norm2(src + layer.dropout2(ff))


def detr_decoder_layer(layer, tgt, memory, memory_padding, query_pos, pos=None):
    """DETR ``forward_post``: queries tgt + query_pos in both attentions; tgt (Q, B, d)."""
    q = k = tgt + query_pos
    tgt = layer.norm1(tgt + layer.dropout1(layer.self_attn(q, k, tgt)[0]))
    key = memory if pos is None else memory + pos
    attn = layer.multihead_attn(tgt + query_pos, key, memory, key_padding_mask=memory_padding)[0]
    tgt = layer.norm2(tgt + layer.dropout2(attn))
    ff = layer.linear2(layer.dropout(F.relu(layer.linear1(tgt))))
    return layer.norm3(tgt + layer.dropout3(ff))


class LayerStack(nn.Module):
    def __init__(self, layers, norm=None):
        super().__init__()
        self.layers = nn.ModuleList(layers)
        if norm is not None:
            self.norm = norm


class DetrTransformer(nn.Module):
    """PromptMRG's memory: DETR encoder + decoder (target zeros, final decoder norm)."""

    def __init__(self, d, heads, ffn, enc_layers, dec_layers, dropout):
        super().__init__()
        self.encoder = LayerStack(
            [nn.TransformerEncoderLayer(d, heads, ffn, dropout) for _ in range(enc_layers)])
        self.decoder = LayerStack(
            [nn.TransformerDecoderLayer(d, heads, ffn, dropout) for _ in range(dec_layers)], nn.LayerNorm(d))

    def forward(self, src, src_padding, query_pos):
        """src (S, B, d), src_padding (B, S) bool True = padding, query_pos (Q, B, d) -> (Q, B, d)."""
        memory = src
        for layer in self.encoder.layers:
            memory = detr_encoder_layer(layer, memory, src_padding)
        tgt = torch.zeros_like(query_pos)
        for layer in self.decoder.layers:
            tgt = detr_decoder_layer(layer, tgt, memory, src_padding, query_pos)
        return self.decoder.norm(tgt)


def medklip_decoder_layer(layer, tgt, memory):
    """DETR/MedKLIP ``forward_pre`` without positions; returns (tgt, head-averaged cross weights)."""
    h = layer.norm1(tgt)
    tgt = tgt + layer.dropout1(layer.self_attn(h, h, h)[0])
    h = layer.norm2(tgt)
    attn, ws = layer.multihead_attn(h, memory, memory)  # ws (B, Q, S), averaged over heads
    tgt = tgt + layer.dropout2(attn)
    ff = layer.linear2(layer.dropout(F.relu(layer.linear1(layer.norm3(tgt)))))
    return tgt + layer.dropout3(ff), ws


class MedklipDecoder(nn.Module):
    """MedKLIP's query decoder: N pre-norm layers and a final LayerNorm."""

    def __init__(self, d, heads, ffn, layers, dropout):
        super().__init__()
        self.decoder = LayerStack(
            [nn.TransformerDecoderLayer(d, heads, ffn, dropout, norm_first=True) for _ in range(layers)],
            nn.LayerNorm(d))

    def forward(self, queries, memory):
        """queries (Q, B, d), memory (S, B, d) -> (Q, B, d) and per-layer ws [(B, Q, S)]."""
        out, ws = queries, []
        for layer in self.decoder.layers:
            out, w = medklip_decoder_layer(layer, out, memory)
            ws.append(w)
        return self.decoder.norm(out), ws


# ---- PromptMRG / REVTAF learning-rate schedule -------------------------------------------------


def promptmrg_lr(epoch, step, max_epoch, init_lr, min_lr, warmup_steps, warmup_start_lr):
    """``LinearWarmupCosineLRScheduler.step(cur_epoch, cur_step)`` of PromptMRG's modules/optims.py:
    epochs counted from 1, per-step linear warm-up in epoch 1, per-epoch cosine afterwards."""
    if epoch == 1:
        return min(init_lr, warmup_start_lr + (init_lr - warmup_start_lr) * step / max(warmup_steps, 1))
    return (init_lr - min_lr) * 0.5 * (1.0 + math.cos(math.pi * epoch / max_epoch)) + min_lr
