"""A minimal training loop on the feeder: run one process per GPU with torchrun.

    torchrun --nproc-per-node 8 examples/train.py --feeder grpc+tcp://feeder:8815 --dataset images
"""

import argparse
import os

import torch
import torch.distributed as dist
from torch.utils.data import DataLoader

from shardline_feeder import FeederDataset


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--feeder", required=True)
    p.add_argument("--dataset", required=True)
    p.add_argument("--epochs", type=int, default=2)
    p.add_argument("--batch-size", type=int, default=32)
    p.add_argument("--checkpoint", default="checkpoint.pt")
    args = p.parse_args()
    if "RANK" in os.environ:
        dist.init_process_group("nccl" if torch.cuda.is_available() else "gloo")

    data = FeederDataset(args.feeder, args.dataset, "image", args.batch_size, columns=["image", "label"], seed=42)
    start_epoch = 0
    try:
        state = torch.load(args.checkpoint)
        data.load_state_dict(state["data"])
        start_epoch = state["data"]["epoch"]
    except FileNotFoundError:
        pass

    for epoch in range(start_epoch, args.epochs):
        if epoch != start_epoch:
            data.set_epoch(epoch)
        for step, batch in enumerate(DataLoader(data, batch_size=None)):
            images = batch["image"]  # a list of encoded JPEG bytes: decode and augment here
            labels = batch["label"]
            # ... forward, backward, optimizer step ...
            if step % 100 == 0 and (not dist.is_initialized() or dist.get_rank() == 0):
                torch.save({"data": data.state_dict()}, args.checkpoint)


if __name__ == "__main__":
    main()
