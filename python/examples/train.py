"""A training loop on the feeder: one process per GPU with torchrun, checkpoint and exact resume.

    torchrun --nproc-per-node 8 examples/train.py --feeder grpc+tcp://feeder:8815 --dataset images
"""

import argparse
import os

import torch
import torch.distributed as dist

from shardline_feeder import FeederDataLoader, FeederDataset


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--feeder", required=True, help="a feeder location, e.g. grpc+tcp://feeder:8815")
    p.add_argument("--dataset", required=True)
    p.add_argument("--table", default="image")
    p.add_argument("--epochs", type=int, default=2)
    p.add_argument("--batch-size", type=int, default=32, help="rows per rank and step")
    p.add_argument("--workers", type=int, default=2, help="data-loading worker processes per rank")
    p.add_argument("--token", default=os.environ.get("SHARDLINE_FEEDER_TOKEN"))
    p.add_argument("--checkpoint", default="checkpoint.pt")
    args = p.parse_args()
    if "RANK" in os.environ:
        dist.init_process_group("nccl" if torch.cuda.is_available() else "gloo")
    rank = dist.get_rank() if dist.is_initialized() else 0

    data = FeederDataset(args.feeder, args.dataset, args.table, args.batch_size, seed=42, token=args.token)
    loader = FeederDataLoader(data, num_workers=args.workers)
    if os.path.exists(args.checkpoint):
        loader.load_state_dict(torch.load(args.checkpoint)["data"])

    while data.request.epoch < args.epochs:
        for step, batch in enumerate(loader):
            # batch: column -> tensor (numbers, token sequences) or list (encoded images, strings)
            # ... decode and augment, forward, backward, optimizer step ...
            if step % 100 == 0 and rank == 0:
                torch.save({"data": loader.state_dict()}, args.checkpoint)
        if rank == 0:  # the epoch is done: the state names the next one
            torch.save({"data": loader.state_dict()}, args.checkpoint)
    if dist.is_initialized():
        dist.destroy_process_group()


if __name__ == "__main__":
    main()
